/** The one-process platform as a library: what `npm start`, the demo and end-to-end tests run. */
export { startPlatform, type Platform, type PlatformOptions } from './platform.ts';
