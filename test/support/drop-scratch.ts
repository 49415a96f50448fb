// Set up for every test file (vitest.config.ts): the scratch databases its tests are done with
// are dropped when the file ends (see dropFinished in scratch.ts).
import { afterAll } from 'vitest';
import { dropFinished } from './scratch.js';

afterAll(dropFinished);
