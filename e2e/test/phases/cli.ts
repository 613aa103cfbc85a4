// The auditor's tool as a user runs it: `anchorpost` from packages/cli, in a child process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../platform-process.ts';

export const run = promisify(execFile);
export const CLI = join(REPO, 'packages/cli/bin/anchorpost.js');
