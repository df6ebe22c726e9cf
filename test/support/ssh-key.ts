// One implementation, kept beside the SSH client whose spec uses it too (a library may not import from test/).
export { testSshKey } from '../../libs/executors/src/ssh/test-ssh-key.js';
