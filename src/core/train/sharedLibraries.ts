// Finds a shared library the way Linux's dynamic loader (ld.so) would, so that a missing native
// dependency (CUDA's libcudart.so.11.0, Vulkan's libvulkan.so.1) can be named before, or after, a
// native package fails on it. Cheap: a few stat calls; `ldconfig -p` is spawned at most once per
// process and only when LD_LIBRARY_PATH did not have the library.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** Where to look after LD_LIBRARY_PATH: the loader's cache, then the default directories. */
export interface LibrarySearch {
  /** soname → path, as `ldconfig -p` lists it (empty when ldconfig is missing or fails). */
  cache: () => ReadonlyMap<string, string>;
  /** Directories searched last, in order. */
  dirs: () => readonly string[];
}

/** The directories ld.so searches by default on Debian/Ubuntu (multiarch) and Fedora/RHEL, plus CUDA's. */
const STANDARD_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib64',
  '/usr/lib64',
  '/lib',
  '/usr/lib',
  // Not searched by ld.so itself, but where NVIDIA's packages put CUDA; its installer normally adds
  // these to /etc/ld.so.conf.d (then the cache has them), which a hand install may have skipped.
  '/usr/local/cuda/lib64',
];

/** /usr/local/cuda/targets/<arch>/lib: NVIDIA's layout, one folder per target architecture. */
function cudaTargetDirs(root = '/usr/local/cuda/targets'): string[] {
  try {
    return readdirSync(root).map((t) => path.join(root, t, 'lib'));
  } catch {
    return [];
  }
}

/** Parses `ldconfig -p`: lines such as "\tlibcudart.so.11.0 (libc6,x86-64) => /usr/lib/…/libcudart.so.11.0". */
export function parseLdconfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S.*)$/.exec(line);
    // The first entry per soname is the one ld.so takes (ldconfig lists them in priority order).
    if (m && !out.has(m[1])) out.set(m[1], m[3].trim());
  }
  return out;
}

let cachedLdconfig: Map<string, string> | undefined;

/** The loader cache, read once per process. ldconfig lives in /sbin, often off a user's PATH. */
function ldconfigCache(): Map<string, string> {
  if (cachedLdconfig) return cachedLdconfig;
  cachedLdconfig = new Map();
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const res = spawnSync(cmd, ['-p'], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] });
    if (res.status === 0 && res.stdout) {
      cachedLdconfig = parseLdconfig(res.stdout);
      break;
    }
  }
  return cachedLdconfig;
}

export const SYSTEM_SEARCH: LibrarySearch = {
  cache: ldconfigCache,
  dirs: () => [...STANDARD_DIRS, ...cudaTargetDirs()],
};

/**
 * The path `soname` would load from, or undefined when the loader would not find it.
 * Linux only: on any other platform the answer is "cannot tell", returned as `soname` itself (as if
 * present), so that no caller refuses on macOS or Windows because of this check; there the
 * libraries have other names (cudart64_110.dll) and other search rules.
 */
export function findSharedLibrary(
  soname: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  search: LibrarySearch = SYSTEM_SEARCH,
): string | undefined {
  if (platform !== 'linux') return soname;
  const inDir = (dir: string): string | undefined => {
    const file = path.join(dir, soname);
    return existsSync(file) ? file : undefined;
  };
  // LD_LIBRARY_PATH first, as ld.so does (empty entries mean the current directory; skip them).
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)) {
    const hit = inDir(dir);
    if (hit) return hit;
  }
  const cached = search.cache().get(soname);
  if (cached && existsSync(cached)) return cached;
  for (const dir of search.dirs()) {
    const hit = inDir(dir);
    if (hit) return hit;
  }
  return undefined;
}
