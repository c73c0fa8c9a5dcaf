// The third-party approver's console: each part of the page is its own module.

import './connection.js';
import './policy.js';
import './faults.js';
import './approvals.js';
