#!/usr/bin/env node
// The published entry point: everything lives in the compiled CLI so start-up stays a single import.
import { main } from '../dist/src/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
