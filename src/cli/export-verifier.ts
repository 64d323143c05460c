import { join } from "node:path";
import { z } from "zod";
import { loadBlockProof } from "../aggregate/blockproof.ts";
import {
  encodeVerifyProof,
  formatCalldata,
  proofToCalldata,
  VERIFIER_CONTRACT,
  vkeyToSolidity,
} from "../aggregate/solidity.ts";
import { readJsonFile } from "../block/schema.ts";
import { checkFailed, desError } from "../errors.ts";
import { vkeyHash } from "../prove/bundle.ts";
import { loadVkeys } from "../prove/vkeys.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { type Command, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({
  vkey: z.string().min(1).optional(),
  vkeys: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  calldata: z.string().min(1).optional(),
});

const help = `usage: des export-verifier <block.proof.json | --vkey FILE> [--out FILE.sol] [--vkeys DIR] [--calldata FILE]

Writes the Solidity Groth16 verifier contract (snarkjs's standard ${VERIFIER_CONTRACT}, from its own
template) for the verification key of the block proof's root circuit, and the proof's arguments to
verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[1] input) as snarkjs zkey export
soliditycalldata formats them (b's coordinates swapped within each pair).

With a block proof, its trusted key is found as des verify finds it (the keys this machine set up,
or --vkeys DIR) and must be the key the proof names. The proof itself is not checked here: run
des verify for that.

  --vkey FILE      the verification key to export (snarkjs JSON, BN254, one public input); with a
                   block proof it must be the key the proof names
  --vkeys DIR      trusted verification keys (DIR/<circuit>.json); default: the keys this machine set up
  --out FILE       write the contract there (atomically) instead of standard output
  --calldata FILE  write the calldata there as JSON ({ a, b, c, input, data }) instead of printing it

The calldata is printed on standard output after a contract written with --out, else on standard
error, so that standard output stays a Solidity file.
Exit 0 on success, 1 on a missing or invalid file or a key that does not match, 2 on usage errors.`;

export const exportVerifierCommand: Command = {
  name: "export-verifier",
  summary: "Solidity verifier contract for a block proof's key, and the proof's calldata",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        vkey: { type: "string" },
        vkeys: { type: "string" },
        out: { type: "string", short: "o" },
        calldata: { type: "string" },
      },
      Flags,
      { min: 0, max: 1, names: "one block proof file (or --vkey FILE)" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    const file = positionals[0];
    if (file === undefined && flags.vkey === undefined)
      throw desError("USAGE", "expected a block proof file or --vkey FILE");
    if (file === undefined && flags.vkeys !== undefined)
      throw desError("USAGE", "--vkeys needs a block proof (it finds the key the proof names)");
    if (file === undefined && flags.calldata !== undefined)
      throw desError("USAGE", "--calldata needs a block proof");
    if (flags.vkey !== undefined && flags.vkeys !== undefined)
      throw desError("USAGE", "--vkey and --vkeys exclude each other");

    const bp = file === undefined ? undefined : loadBlockProof(file);
    let vkey: unknown;
    let source: string;
    if (flags.vkey !== undefined) {
      vkey = readJsonFile(flags.vkey);
      source = flags.vkey;
    } else {
      const proof = bp as NonNullable<typeof bp>;
      vkey = loadVkeys([proof], flags.vkeys).get(proof.circuit);
      source = flags.vkeys ? join(flags.vkeys, `${proof.circuit}.json`) : `local key of ${proof.circuit}`;
    }
    if (bp && vkeyHash(vkey) !== bp.vkeyHash) {
      checkFailed(
        "verification-key",
        `${source} is not the key the block proof was made for (circuit ${bp.circuit}, vkey ${bp.vkeyHash.slice(0, 16)}…)`,
        { circuit: bp.circuit, vkeyHash: bp.vkeyHash },
      );
    }
    const sol = vkeyToSolidity(vkey, source);
    if (flags.out) {
      writeFileAtomic(flags.out, sol);
      console.error(`wrote ${flags.out}: ${VERIFIER_CONTRACT}${bp ? ` for ${bp.circuit}` : ""}`);
    } else process.stdout.write(sol);
    if (bp?.development) console.error("development setup — not for production");

    if (bp) {
      const cd = proofToCalldata(bp.proof, bp.publicSignal);
      if (flags.calldata) {
        writeFileAtomic(flags.calldata, `${toJSON({ ...cd, data: encodeVerifyProof(cd) })}\n`);
        console.error(`wrote ${flags.calldata}: verifyProof calldata for block ${bp.header.number}`);
      } else if (flags.out) console.log(formatCalldata(cd));
      else console.error(`calldata: ${formatCalldata(cd)}`);
    }
    return 0;
  },
};
