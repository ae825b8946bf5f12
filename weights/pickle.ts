// A minimal, safe pickle virtual machine: enough for what torch.save writes (protocol 2, plus
// the common protocol 3/4 opcodes). It never imports or calls anything: GLOBAL yields a
// PyGlobal, and REDUCE / BUILD / BINPERSID are handed to the caller's hooks, which accept only
// the few callables a state_dict needs. Every read is bounds-checked and every opcode consumes
// input, so the loop ends on any bytes.

import { CuganError } from '../src/runtime/errors.js';

export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Python values as JS: None -> null, int -> number, str -> string, tuple/list -> array, dict -> Map. */
export type PyValue = null | boolean | number | string | Uint8Array | PyGlobal | PyValue[] | Map<PyValue, PyValue> | object;

export interface PickleHooks {
  /** `callable(*args)` for REDUCE / NEWOBJ. Throw for callables you do not allow. */
  reduce(callable: PyValue, args: PyValue[]): PyValue;
  /** BINPERSID: the object a persistent id stands for. */
  persistentLoad(pid: PyValue): PyValue;
  /** BUILD: `obj.__setstate__(state)`; returns the object to leave on the stack. */
  build?(obj: PyValue, state: PyValue): PyValue;
}

export function unpickle(buf: Uint8Array, hooks: PickleHooks, source = 'pickle'): PyValue {
  const bad = (what: string): never => {
    throw new CuganError('WEIGHTS_CORRUPT', `${source}: corrupt pickle: ${what}`);
  };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const decoder = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  let pos = 0;
  const take = (n: number): number => {
    if (n < 0 || pos + n > buf.byteLength) bad(`needs ${n} bytes at ${pos}, the data has ${buf.byteLength}`);
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = (): number => buf[take(1)]!;
  const u16 = (): number => dv.getUint16(take(2), true);
  const u32 = (): number => dv.getUint32(take(4), true);
  const i32 = (): number => dv.getInt32(take(4), true);
  const u64 = (): number => {
    const lo = u32();
    const v = lo + u32() * 2 ** 32;
    return Number.isSafeInteger(v) ? v : bad('length out of range');
  };
  const bytes = (n: number): Uint8Array => buf.subarray(take(n), pos);
  const line = (): string => {
    const end = buf.indexOf(0x0a, pos);
    if (end < 0) bad('unterminated text line');
    const s = latin1.decode(buf.subarray(pos, end));
    pos = end + 1;
    return s;
  };

  // MARK records the stack height; ops that take "everything since the mark" splice from it.
  const stack: PyValue[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const floor = (): number => marks[marks.length - 1] ?? 0;
  const pop = (): PyValue => (stack.length > floor() ? stack.pop()! : bad(`stack underflow at ${pos - 1}`));
  const top = (): PyValue => (stack.length > floor() ? stack[stack.length - 1]! : bad(`empty stack at ${pos - 1}`));
  const mark = (): void => {
    marks.push(stack.length);
  };
  const popMark = (): PyValue[] => {
    const at = marks.pop();
    return at === undefined ? bad(`no mark at ${pos - 1}`) : stack.splice(at);
  };
  const memoGet = (k: number): PyValue => (memo.has(k) ? memo.get(k)! : bad(`memo key ${k} unset`));
  const setItems = (d: PyValue, kv: PyValue[]): void => {
    if (!(d instanceof Map)) bad('SETITEM(S) on a non-dict');
    if (kv.length % 2 !== 0) bad('odd number of items for SETITEMS');
    for (let k = 0; k < kv.length; k += 2) (d as Map<PyValue, PyValue>).set(kv[k]!, kv[k + 1]!);
  };
  const appendItems = (l: PyValue, items: PyValue[]): void => {
    if (!Array.isArray(l)) bad('APPEND(S) on a non-list');
    for (const v of items) (l as PyValue[]).push(v); // no spread: it overflows on huge arrays
  };

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) bad('unknown pickle protocol');
        break;
      case 0x95: // FRAME (protocol 4): just a length hint
        u64();
        break;
      case 0x2e: // STOP
        return pop();
      case 0x28: // MARK
        mark();
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x8f: // EMPTY_SET
        stack.push([]);
        break;
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: {
        // LONG1: little-endian two's complement of n bytes
        const n = u8();
        if (n > 6) bad('LONG1 integer too large');
        const b = bytes(n);
        let v = 0;
        for (let k = n - 1; k >= 0; k--) v = v * 256 + b[k]!;
        if (n > 0 && b[n - 1]! & 0x80) v -= 2 ** (8 * n);
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        stack.push(dv.getFloat64(take(8), false));
        break;
      case 0x58: // BINUNICODE
        stack.push(decoder.decode(bytes(u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(decoder.decode(bytes(u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(decoder.decode(bytes(u64())));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(bytes(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(bytes(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(bytes(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(bytes(u8()));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(new PyGlobal(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') bad('STACK_GLOBAL needs two strings');
        stack.push(new PyGlobal(module as string, name as string));
        break;
      }
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
        stack.push(memoGet(u8()));
        break;
      case 0x6a: // LONG_BINGET
        stack.push(memoGet(u32()));
        break;
      case 0x30: // POP (a mark, if that is what is on top)
        if (marks.length > 0 && stack.length === floor()) popMark();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      case 0x74: // TUPLE
      case 0x6c: // LIST
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x64: {
        // DICT
        const d = new Map<PyValue, PyValue>();
        setItems(d, popMark());
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        appendItems(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case 0x52: // REDUCE
      case 0x81: {
        // NEWOBJ (cls, args): treated like a call
        const args = pop();
        const callable = pop();
        if (!Array.isArray(args)) bad(`${op === 0x52 ? 'REDUCE' : 'NEWOBJ'} at ${at} without an argument tuple`);
        stack.push(hooks.reduce(callable, args as PyValue[]));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const obj = pop();
        stack.push(hooks.build ? hooks.build(obj, state) : obj);
        break;
      }
      case 0x51: // BINPERSID
        stack.push(hooks.persistentLoad(pop()));
        break;
      default:
        bad(`unsupported opcode 0x${op.toString(16).padStart(2, '0')} at ${at}`);
    }
  }
}
