/**
 * The block proof on Ethereum: snarkjs's standard Solidity Groth16 verifier for the root circuit's
 * verification key, and a proof's arguments to its `verifyProof(a, b, c, input)`.
 *
 * The contract is snarkjs's own template (templates/verifier_groth16.sol.ejs) rendered by ejs with
 * the verification key, exactly what `snarkjs zkey export solidityverifier` does after exporting
 * the key from a zkey (src/zkey_export_solidityverifier.js); here the key can come from its JSON,
 * so no proving key is needed. zkeyToSolidity runs snarkjs's exporter itself, for comparison.
 *
 * The arguments follow `snarkjs zkey export soliditycalldata`: 32-byte hex words, and each G2
 * coordinate of b written imaginary part first (the EVM pairing precompile's order), so b's pairs
 * are swapped with respect to snarkjs's proof JSON.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as snarkjs from "snarkjs";
import { parseGroth16Vkey } from "../bn254/verifier-build.ts";
import { desError } from "../errors.ts";

const require = createRequire(import.meta.url);
/** snarkjs's package folder (its "exports" map hides the templates, so resolve the entry point). */
const SNARKJS_DIR = join(dirname(require.resolve("snarkjs")), "..");

interface Ejs {
  render(template: string, data: Record<string, unknown>): string;
}
let ejs: Ejs | undefined;
/** ejs as snarkjs resolves it (a dependency of snarkjs, not of this project). */
function loadEjs(): Ejs {
  ejs ??= createRequire(join(SNARKJS_DIR, "package.json"))("ejs") as Ejs;
  return ejs;
}

let template: string | undefined;
/** snarkjs's Groth16 verifier template. */
export function groth16Template(): string {
  template ??= readFileSync(join(SNARKJS_DIR, "templates", "verifier_groth16.sol.ejs"), "utf8");
  return template;
}

/** The name of the contract snarkjs's template declares. */
export const VERIFIER_CONTRACT = "Groth16Verifier";
/** ABI signature of the verifier's entry point for one public signal. */
export const VERIFY_PROOF_SIGNATURE = "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[1])";
/** Its selector: the first 4 bytes of keccak256(VERIFY_PROOF_SIGNATURE). */
export const VERIFY_PROOF_SELECTOR = "43753b4d";

/**
 * The Solidity verifier for a snarkjs Groth16 verification key (BN254, one public input): the key
 * is validated first (INVALID_VKEY), so only decimal integers reach the template.
 */
export function vkeyToSolidity(vkey: unknown, source = "verification key"): string {
  const vk = parseGroth16Vkey(vkey, source);
  return loadEjs().render(groth16Template(), { ...vk });
}

/** snarkjs's own exporter, from a proving key (what `snarkjs zkey export solidityverifier` writes). */
export async function zkeyToSolidity(zkey: string): Promise<string> {
  return snarkjs.zKey.exportSolidityVerifier(zkey, { groth16: groth16Template() });
}

/** The arguments of `verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[1] input)`. */
export interface SolidityCalldata {
  a: [string, string];
  b: [[string, string], [string, string]];
  c: [string, string];
  input: [string];
}

const WORD = 2n ** 256n;

/** A uint256 as snarkjs writes it in calldata: "0x" and 64 hex digits. */
function word(v: string | bigint): string {
  let n: bigint;
  try {
    n = BigInt(v);
  } catch {
    throw desError("INVALID_BUNDLE", `not an integer: ${String(v)}`);
  }
  if (n < 0n || n >= WORD) throw desError("INVALID_BUNDLE", `not a uint256: ${String(v)}`);
  return `0x${n.toString(16).padStart(64, "0")}`;
}

/**
 * A Groth16 proof (snarkjs JSON) and its one public signal as verifyProof's arguments, formatted
 * like `snarkjs zkey export soliditycalldata` (b's coordinates swapped within each pair).
 */
export function proofToCalldata(
  proof: Pick<snarkjs.Groth16Proof, "pi_a" | "pi_b" | "pi_c">,
  publicSignal: string | bigint,
): SolidityCalldata {
  const { pi_a: a, pi_b: b, pi_c: c } = proof;
  if (a.length < 2 || c.length < 2 || b.length < 2 || b[0]!.length < 2 || b[1]!.length < 2)
    throw desError("INVALID_BUNDLE", "proof: pi_a, pi_b and pi_c must be affine points");
  return {
    a: [word(a[0]!), word(a[1]!)],
    b: [
      [word(b[0]![1]!), word(b[0]![0]!)],
      [word(b[1]![1]!), word(b[1]![0]!)],
    ],
    c: [word(c[0]!), word(c[1]!)],
    input: [word(publicSignal)],
  };
}

/** The calldata as the text `snarkjs zkey export soliditycalldata` prints. */
export function formatCalldata(cd: SolidityCalldata): string {
  const q = (v: string) => `"${v}"`;
  const pair = (p: readonly string[]) => `[${p.map(q).join(", ")}]`;
  return (
    `${pair(cd.a)},` +
    `[${pair(cd.b[0])},${pair(cd.b[1])}],` +
    `${pair(cd.c)},` +
    `[${cd.input.map(q).join(",")}]`
  );
}

/** The whole transaction data of the call: selector, then the nine words (all types are static). */
export function encodeVerifyProof(cd: SolidityCalldata): string {
  const words = [...cd.a, ...cd.b[0], ...cd.b[1], ...cd.c, ...cd.input].map((w) => w.slice(2));
  return `0x${VERIFY_PROOF_SELECTOR}${words.join("")}`;
}
