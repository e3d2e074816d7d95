// Replaces 64-hex asset hashes in snapshot strings, so a change to the Lambda's code does not break
// snapshots that are about the template's shape (fine-grained tests check the code path itself).
const HASH = /[0-9a-f]{64}/g;
module.exports = {
  test: (val) => typeof val === 'string' && /[0-9a-f]{64}/.test(val),
  serialize: (val) => `"${val.replace(HASH, '[HASH REMOVED]')}"`,
};
