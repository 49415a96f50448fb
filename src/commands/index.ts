// The commands, listed explicitly (oclif's "explicit" discovery: nothing to scan at start-up).
import Apply from './apply.js';
import Check from './check.js';
import Comment from './comment.js';
import Current from './current.js';
import Downgrade from './downgrade.js';
import Drift from './drift.js';
import Heads from './heads.js';
import History from './history.js';
import Init from './init.js';
import Merge from './merge.js';
import Plan from './plan.js';
import Pull from './pull.js';
import Revision from './revision.js';
import Stamp from './stamp.js';
import Sql from './sql.js';
import Upgrade from './upgrade.js';
import Validate from './validate.js';

export const COMMANDS = {
  plan: Plan,
  apply: Apply,
  validate: Validate,
  history: History,
  current: Current,
  heads: Heads,
  upgrade: Upgrade,
  downgrade: Downgrade,
  check: Check,
  merge: Merge,
  revision: Revision,
  drift: Drift,
  pull: Pull,
  stamp: Stamp,
  comment: Comment,
  init: Init,
  sql: Sql,
};
