// Set up for every test file (vitest.config.ts): the scratch databases its tests are done with
// are dropped when the file ends, and the file's admin connection is closed (see scratch.ts).
import { afterAll } from 'vitest';
import { closeScratch } from './scratch.js';

afterAll(closeScratch);
