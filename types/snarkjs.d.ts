// Minimal typings for the parts of snarkjs this project uses.
declare module "snarkjs" {
  export interface Logger {
    debug(msg: string): void;
    info(msg: string): void;
    warn(msg: string): void;
    error(msg: string): void;
  }
  export interface Groth16Proof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  /** An in-memory file for snarkjs's binary readers. */
  export interface MemFile {
    type: "mem";
    data: Uint8Array;
  }
  export type VerificationKey = Record<string, unknown> & {
    protocol: string;
    curve: string;
    nPublic: number;
  };
  export namespace zKey {
    /** Returns the circuit hash, or -1 after logging an error (e.g. ptau too small or not prepared). */
    function newZKey(r1cs: string, ptau: string, zkey: string, logger?: Logger): Promise<Uint8Array | number>;
    function contribute(
      oldZkey: string,
      newZkey: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<Uint8Array>;
    function exportVerificationKey(zkey: string, logger?: Logger): Promise<VerificationKey>;
    function exportSolidityVerifier(
      zkey: string,
      templates: Record<string, string>,
      logger?: Logger,
    ): Promise<string>;
  }
  export namespace groth16 {
    function prove(
      zkey: string | MemFile,
      wtns: string | MemFile,
      logger?: Logger,
      options?: { singleThread?: boolean },
    ): Promise<{ proof: Groth16Proof; publicSignals: string[] }>;
    function verify(
      vk: VerificationKey,
      publicSignals: string[],
      proof: Groth16Proof,
      logger?: Logger,
    ): Promise<boolean>;
    /** The arguments of the Solidity verifier's verifyProof, as `zkey export soliditycalldata` prints them. */
    function exportSolidityCallData(proof: Groth16Proof, publicSignals: string[]): Promise<string>;
  }
  export namespace wtns {
    function calculate(input: Record<string, unknown>, wasm: string, wtns: string): Promise<void>;
    /** Checks a witness against every constraint of an r1cs file. */
    function check(r1cs: string, wtns: string, logger?: Logger): Promise<boolean>;
  }
  export namespace powersOfTau {
    function newAccumulator(curve: unknown, power: number, ptau: string, logger?: Logger): Promise<unknown>;
    function contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: Logger,
    ): Promise<unknown>;
    function preparePhase2(oldPtau: string, newPtau: string, logger?: Logger): Promise<void>;
  }
  export namespace curves {
    function getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }>;
  }
}
