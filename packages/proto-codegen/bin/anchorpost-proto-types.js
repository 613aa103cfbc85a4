#!/usr/bin/env node
// The installed entry point of a service's `codegen` step; the command is compiled to dist/.
import { run } from '../dist/main.js';

process.exitCode = await run(process.argv.slice(2));
