#!/usr/bin/env node
// The `schema` executable.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
