// Assigns the graph's tensors to as few GPU buffers as their lifetimes allow.
// Two tensors may share a buffer only if one is dead before the other is written; a pass
// never reads and writes the same buffer (WebGPU forbids that within one dispatch).

import { opTensors, type Graph, type Tensor } from './graph.js';

/** Channel groups (vec4 elements) of tensor `t`. */
export const tensorGroups = (t: Tensor): number => t.w * t.h * t.c4;
export const tensorBytes = (t: Tensor): number => tensorGroups(t) * 16;

export interface MemoryPlan {
  /** Byte size of each pooled buffer. */
  bufferSizes: number[];
  /** tensor id -> buffer index */
  bufferOf: number[];
  /** Largest single tensor, for checking device limits. */
  largestTensor: Tensor;
}

export function planMemory(graph: Graph): MemoryPlan {
  const first = new Array<number>(graph.tensors.length).fill(Infinity);
  const last = new Array<number>(graph.tensors.length).fill(-1);
  graph.ops.forEach((op, i) => {
    const { reads, writes } = opTensors(op);
    for (const t of [...reads, ...writes]) {
      first[t.id] = Math.min(first[t.id]!, i);
      last[t.id] = Math.max(last[t.id]!, i);
    }
  });
  const bufferSizes: number[] = [];
  const busyUntil: number[] = []; // last op index that uses the buffer's current tensor
  const bufferOf: number[] = [];
  let largestTensor = graph.tensors[0]!;
  for (const t of graph.tensors) {
    const bytes = tensorBytes(t);
    if (bytes > tensorBytes(largestTensor)) largestTensor = t;
    // Prefer the free buffer that is already big enough and smallest; else grow the largest free one.
    let best = -1;
    for (let b = 0; b < bufferSizes.length; b++) {
      if (busyUntil[b]! >= first[t.id]!) continue;
      if (best < 0) { best = b; continue; }
      const fits = bufferSizes[b]! >= bytes;
      const bestFits = bufferSizes[best]! >= bytes;
      if (fits && (!bestFits || bufferSizes[b]! < bufferSizes[best]!)) best = b;
      else if (!fits && !bestFits && bufferSizes[b]! > bufferSizes[best]!) best = b;
    }
    if (best < 0) {
      best = bufferSizes.length;
      bufferSizes.push(0);
      busyUntil.push(-1);
    }
    bufferSizes[best] = Math.max(bufferSizes[best]!, bytes);
    busyUntil[best] = last[t.id]!;
    bufferOf[t.id] = best;
  }
  return { bufferSizes, bufferOf, largestTensor };
}
