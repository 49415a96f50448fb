// The commands, listed explicitly (oclif's "explicit" discovery: nothing to scan at start-up).
import Apply from './apply.js';
import Plan from './plan.js';
import Validate from './validate.js';

export const COMMANDS = { plan: Plan, apply: Apply, validate: Validate };
