#!/usr/bin/env node
import { program } from 'commander';

program.name('report').parse();
