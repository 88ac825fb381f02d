// `npm ci` from the committed lockfile, skipped when node_modules was installed from this very lockfile
// (a hash of it is kept in node_modules after each install): repeated builds stay fast, and a changed
// lockfile always reinstalls.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const marker = 'node_modules/.pulse-lockfile-sha256';
const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
if (existsSync(marker) && readFileSync(marker, 'utf8') === lockHash) {
  console.log('node_modules was installed from this package-lock.json');
} else {
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(marker, lockHash);
}
