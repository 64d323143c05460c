// Minimal typings for the parts of circomlibjs this project uses.
declare module "circomlibjs" {
  export interface WasmField {
    e(v: bigint | number | string): Uint8Array;
    toObject(v: Uint8Array): bigint;
    eq(a: Uint8Array, b: Uint8Array): boolean;
    p: bigint;
  }
  export interface Poseidon {
    (inputs: (bigint | Uint8Array)[]): Uint8Array;
    F: WasmField;
  }
  export type Point = [Uint8Array, Uint8Array];
  export interface BabyJub {
    F: WasmField;
    subOrder: bigint;
    order: bigint;
    Base8: Point;
    inCurve(p: Point): boolean;
    mulPointEscalar(p: Point, e: bigint): Point;
    addPoint(a: Point, b: Point): Point;
  }
  export interface Signature {
    R8: Point;
    S: bigint;
  }
  export interface Eddsa {
    F: WasmField;
    babyJub: BabyJub;
    poseidon: Poseidon;
    prv2pub(prv: Uint8Array): Point;
    signPoseidon(prv: Uint8Array, msg: Uint8Array): Signature;
    verifyPoseidon(msg: Uint8Array, sig: Signature, A: Point): boolean;
  }
  export function buildPoseidon(): Promise<Poseidon>;
  export function buildEddsa(): Promise<Eddsa>;
  export function buildBabyjub(): Promise<BabyJub>;
}
