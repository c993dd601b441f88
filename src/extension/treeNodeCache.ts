// Stable node objects for the runs tree. VS Code matches the element passed to
// `onDidChangeTreeData` by object identity, so a targeted refresh (one run's row, one experiment's
// children) needs getChildren to hand out the same object for the same node every time.
// No vscode import, so it is unit-tested directly.

export class NodeCache<N extends object> {
  private readonly byKey = new Map<string, N>();
  private readonly keys = new WeakMap<N, string>();

  /** The cached node for `key`, updated in place with `fresh`'s fields (a description, a queue position). */
  intern(key: string, fresh: N): N {
    const cached = this.byKey.get(key);
    if (!cached) {
      this.byKey.set(key, fresh);
      this.keys.set(fresh, key);
      return fresh;
    }
    Object.assign(cached, fresh);
    return cached;
  }

  /** The key a node was interned under (the tree item's id), if any. */
  keyOf(node: N): string | undefined {
    return this.keys.get(node);
  }

  get(key: string): N | undefined {
    return this.byKey.get(key);
  }

  entries(): [string, N][] {
    return [...this.byKey];
  }

  /** After a full refresh VS Code forgets every element; so does the cache (gone runs do not pile up). */
  clear(): void {
    this.byKey.clear();
  }
}
