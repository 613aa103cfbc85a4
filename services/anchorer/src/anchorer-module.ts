import { Module } from '@nestjs/common';

/** The anchorer's Nest module: its work is a consumer and a loop, its HTTP surface is service-kit's. */
// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
export class AnchorerModule {}
Module({})(AnchorerModule);
