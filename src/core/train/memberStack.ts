// The state an ensemble trains: the stacked parameters (K, ...), their Adam moments, and which
// member sits at each stack position. A member that ends is removed at once (compaction), so it
// costs nothing afterwards.
import * as tf from '@tensorflow/tfjs-core';
import { type Drawn, type Kind, type ParamTree, type Params, type Variables, kindsOf, leavesOf, mapParams, stackParams } from '../model/params';
import { type Moments, zeroMoments } from './adamw';
import { range } from './batches';

export class MemberStack {
  params: Variables;
  moments: Moments;
  /** The member index at each stack position. */
  active: number[];
  /** Every leaf's kind, in the record's order (the same for every member). */
  readonly kinds: Kind[];

  constructor(drawn: ParamTree<Drawn>[]) {
    this.params = stackParams(drawn);
    this.kinds = kindsOf(drawn[0]);
    this.moments = zeroMoments(this.leaves());
    this.active = range(0, drawn.length);
  }

  leaves(): tf.Variable[] {
    return leavesOf(this.params);
  }

  /** Parameters of one member (the model's size). */
  memberParameterCount(): number {
    return this.leaves().reduce((a, v) => a + v.size, 0) / this.active.length;
  }

  /** The member at stack position s as a record with K = 1, for a forward pass (a gather: see memberProducts.ts). */
  slice(s: number): Params {
    return mapParams(this.params, (v) => tf.gather(v, [s]));
  }

  /** The members at stack positions `positions` as a record with K = positions.length (a batched evaluation). */
  gather(positions: number[]): Params {
    return mapParams(this.params, (v) => tf.gather(v, positions));
  }

  /** Keeps only the stack positions `keep`, disposing the rest. */
  compact(keep: number[]): void {
    const gathered = (v: tf.Variable) => {
      const out = tf.tidy(() => tf.variable(tf.gather(v, keep)));
      v.dispose();
      return out;
    };
    this.active = keep.map((s) => this.active[s]);
    this.params = mapParams(this.params, gathered);
    this.moments = { first: this.moments.first.map(gathered), second: this.moments.second.map(gathered) };
  }

  dispose(): void {
    tf.dispose([...this.leaves(), ...this.moments.first, ...this.moments.second]);
  }
}
