import * as path from 'path';
import { loadPolicyFile, parsePolicy, PolicyFileError } from '../../src/broker/policy_file';
import { tempDir } from '../helpers/sockets';
import { Scope } from '../../src/uapi/fwctl';

describe('policy file', () => {
  it('accepts uid, user, gid and group rules with scope names or numbers', () => {
    const policy = parsePolicy(JSON.stringify({
      rules: [
        { user: 'root', max_scope: 'DEBUG_WRITE_FULL' },
        { uid: 1000, max_scope: 2, default_scope: 'DEBUG_READ_ONLY' },
        { gid: 50, max_scope: 'CONFIGURATION' },
        { group: 'root', max_scope: 1 },
      ],
    }));
    expect(policy.rules).toEqual([
      { uid: 0, maxScope: Scope.DEBUG_WRITE_FULL },
      { uid: 1000, maxScope: Scope.DEBUG_WRITE, defaultScope: Scope.DEBUG_READ_ONLY },
      { gid: 50, maxScope: Scope.CONFIGURATION },
      { gid: 0, maxScope: Scope.DEBUG_READ_ONLY },
    ]);
  });

  it.each([
    ['not json', 'not JSON'],
    ['{"rules": [{"uid": 1, "gid": 2, "max_scope": 1}]}', 'must match exactly one schema'],
    ['{"rules": [{"uid": 1, "max_scope": 7}]}', 'max_scope'],
    ['{"rules": [{"uid": 1, "max_scope": 1, "extra": true}]}', 'additional properties'],
    ['{"rules": [{"user": "no-such-user-here", "max_scope": 1}]}', 'unknown user'],
    ['{"rules": [{"uid": 1, "max_scope": 1, "default_scope": 3}]}', 'default_scope above max_scope'],
    ['{}', "must have required property 'rules'"],
  ])('refuses %s', (text, message) => {
    expect(() => parsePolicy(text)).toThrow(PolicyFileError);
    expect(() => parsePolicy(text)).toThrow(message);
  });

  it('says why a policy file cannot be read as strerror does, naming the file once', () => {
    const dir = tempDir('mlx5ctl-policy-');
    const missing = path.join(dir, 'missing.json');
    expect(() => loadPolicyFile(missing)).toThrow(new PolicyFileError(`cannot read policy ${missing}: No such file or directory (ENOENT)`));
    expect(() => loadPolicyFile(dir)).toThrow(new PolicyFileError(`cannot read policy ${dir}: Is a directory (EISDIR)`));
  });
});
