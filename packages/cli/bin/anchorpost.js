#!/usr/bin/env node
// The installed entry point; the CLI itself is compiled to dist/ by `npm run build`.
import { run } from '../dist/main.js';

process.exitCode = await run(process.argv.slice(2));
