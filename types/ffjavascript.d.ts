// Minimal typings for the parts of ffjavascript this project uses.
declare module "ffjavascript" {
  export interface WasmFr {
    /** Roots of unity: w[k] generates the multiplicative subgroup of order 2^k (wasm representation). */
    w: Uint8Array[];
    s: number;
    toObject(a: Uint8Array): bigint;
  }
  export interface Bn128 {
    Fr: WasmFr;
    tm: { code: Uint8Array<ArrayBuffer>; pG1gen: number; pG2gen: number };
    terminate(): Promise<void>;
  }
  /** Prime field arithmetic on bigints (used for square roots in Fr). */
  export class F1Field {
    constructor(p: bigint);
    sqrt(a: bigint): bigint | null;
  }
  export function buildBn128(singleThread?: boolean): Promise<Bn128>;
}
