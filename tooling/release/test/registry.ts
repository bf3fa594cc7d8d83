/**
 * A throwaway npm registry for the release rehearsal: Verdaccio 6.8.0 (the last line that runs on Node 20) on
 * 127.0.0.1 at a free port, with its storage, htpasswd and config in a folder the caller owns. `@genmod/*` is
 * served from that storage alone (anyone may publish, nothing is proxied, so a package of the same name on
 * npmjs.org can never stand in for ours); every other package is proxied to https://registry.npmjs.org.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Registry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** The `//127.0.0.1:<port>/` key that .npmrc auth lines use. */
  authKey: string;
  /** Everything Verdaccio printed (warnings and errors only), for failure messages. */
  log(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); safe to call twice. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);
const verdaccioBin = join(dirname(require.resolve('verdaccio/package.json')), 'bin', 'verdaccio');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

/**
 * The certificates npm trusts, for Verdaccio's requests to its uplink. Behind a TLS-intercepting proxy npm
 * reads its `cafile` while Node needs NODE_EXTRA_CA_CERTS, which turbo's strict env mode does not pass to
 * tasks: without this, every proxied package is a 404. Point it at npm's cafile, or the system bundle.
 */
function trustedCertificates(): { NODE_EXTRA_CA_CERTS?: string } {
  if (process.env.NODE_EXTRA_CA_CERTS) return {};
  let cafile = '';
  try {
    cafile = execFileSync('npm', ['config', 'get', 'cafile'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // no npm config: fall through to the system bundle
  }
  for (const file of [cafile, '/etc/ssl/certs/ca-certificates.crt']) if (file && file !== 'null' && existsSync(file)) return { NODE_EXTRA_CA_CERTS: file };
  return {};
}

function config(dir: string, uplink: string): string {
  return `storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
    max_users: -1
uplinks:
  npmjs:
    url: ${uplink}
    timeout: 60s
    maxage: 30m
packages:
  '@genmod/*':
    access: $all
    publish: $all
    unpublish: $all
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
web:
  enable: false
max_body_size: 200mb
log: { type: stdout, format: pretty, level: warn }
`;
}

/** Starts Verdaccio and resolves once `/-/ping` answers. */
export async function startRegistry(dir: string, uplink = 'https://registry.npmjs.org/'): Promise<Registry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config(dir, uplink));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [verdaccioBin, '--config', file, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production', ...trustedCertificates() },
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  // a last resort if the test process dies before afterAll: never leave the registry running
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with code ${child.exitCode}:\n${output}`);
      try {
        if ((await fetch(`${url}-/ping`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${output}`);
      await new Promise((ok) => setTimeout(ok, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, authKey: `//127.0.0.1:${port}/`, log: () => output, stop };
}
