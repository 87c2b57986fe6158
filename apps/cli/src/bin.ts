#!/usr/bin/env node
import { processIO } from "./io.js";
import { main } from "./program.js";

const code = await main(process.argv.slice(2), processIO);
// tfjs may keep handles open; exit once stdout has drained.
process.stdout.write("", () => process.exit(code));
