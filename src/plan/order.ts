// Order from dependencies: a topological sort of the drafts over their token edges, taking
// among the steps that are ready the one of the earliest phase (then the earliest written).

import type { Draft } from './steps.js';

/** A binary heap of indexes, smallest (phase, index) first. */
class ReadyQueue {
  private readonly heap: number[] = [];
  constructor(private readonly phase: (i: number) => number) {}

  private less(a: number, b: number): boolean {
    const pa = this.phase(a);
    const pb = this.phase(b);
    return pa < pb || (pa === pb && a < b);
  }

  get size(): number {
    return this.heap.length;
  }

  push(i: number): void {
    const h = this.heap;
    h.push(i);
    let at = h.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.less(h[at]!, h[parent]!)) break;
      [h[at], h[parent]] = [h[parent]!, h[at]!];
      at = parent;
    }
  }

  pop(): number {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let at = 0;
      for (;;) {
        const l = at * 2 + 1;
        const r = l + 1;
        let min = at;
        if (l < h.length && this.less(h[l]!, h[min]!)) min = l;
        if (r < h.length && this.less(h[r]!, h[min]!)) min = r;
        if (min === at) break;
        [h[at], h[min]] = [h[min]!, h[at]!];
        at = min;
      }
    }
    return top;
  }
}

function index(drafts: readonly Draft[], field: 'provides' | 'requires' | 'removes' | 'releases' | 'softRequires' | 'softReleases'): Map<string, number[]> {
  const map = new Map<string, number[]>();
  drafts.forEach((d, i) => {
    for (const token of d[field] ?? []) {
      const list = map.get(token);
      if (list) list.push(i);
      else map.set(token, [i]);
    }
  });
  return map;
}

/**
 * Drafts in executable order. Every edge implied by the tokens holds (the soft ones unless they
 * close a cycle); among independent steps the SPEC's phases decide. Throws (naming the steps)
 * if the edges form a cycle.
 */
export function order(drafts: readonly Draft[]): Draft[] {
  const soft = drafts.some((d) => (d.softRequires?.length ?? 0) + (d.softReleases?.length ?? 0) > 0);
  return (soft ? attempt(drafts, true, false) : null) ?? attempt(drafts, false, true)!;
}

function attempt(drafts: readonly Draft[], withSoft: boolean, throwOnCycle: boolean): Draft[] | null {
  const edges: Array<Set<number>> = drafts.map(() => new Set());
  const indegree = drafts.map(() => 0);
  const link = (from: number, to: number): void => {
    if (from === to || edges[from]!.has(to)) return;
    edges[from]!.add(to);
    indegree[to]!++;
  };
  const provides = index(drafts, 'provides');
  const requires = index(drafts, 'requires');
  const removes = index(drafts, 'removes');
  const releases = index(drafts, 'releases');
  const softRequires = withSoft ? index(drafts, 'softRequires') : new Map<string, number[]>();
  const softReleases = withSoft ? index(drafts, 'softReleases') : new Map<string, number[]>();
  for (const [token, providers] of provides) {
    for (const p of providers) for (const r of [...(requires.get(token) ?? []), ...(softRequires.get(token) ?? [])]) link(p, r);
  }
  for (const [token, removers] of removes) {
    for (const x of removers) {
      for (const r of [...(releases.get(token) ?? []), ...(softReleases.get(token) ?? [])]) link(r, x);
      for (const p of provides.get(token) ?? []) if (!removers.includes(p)) link(x, p);
    }
  }
  const queue = new ReadyQueue((i) => drafts[i]!.phase);
  indegree.forEach((d, i) => {
    if (d === 0) queue.push(i);
  });
  const out: Draft[] = [];
  while (queue.size > 0) {
    const i = queue.pop();
    out.push(drafts[i]!);
    for (const next of edges[i]!) if (--indegree[next]! === 0) queue.push(next);
  }
  if (out.length !== drafts.length) {
    if (!throwOnCycle) return null;
    // Left over: the cycle, and steps that merely wait for it. Peel off every step that
    // nothing left over waits on until only the cycle remains.
    const left = new Set(drafts.map((_d, i) => i).filter((i) => indegree[i]! > 0));
    for (let changed = true; changed;) {
      changed = false;
      for (const i of left) {
        if (![...edges[i]!].some((next) => left.has(next))) {
          left.delete(i);
          changed = true;
        }
      }
    }
    const cycle = [...left].map((i) => `${drafts[i]!.op} ${drafts[i]!.object}`);
    throw new Error(`the plan's steps depend on each other in a cycle: ${cycle.join(', ')}`);
  }
  return out;
}
