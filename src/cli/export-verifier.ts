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
import { desError } from "../errors.ts";
import { chooseKey, trustSetFromFlags } from "../prove/trust.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { type Command, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({
  vkey: z.string().min(1).optional(),
  trusted: z.string().min(1).optional(),
  out: z.string().min(1).optional(),
  calldata: z.string().min(1).optional(),
});

const help = `usage: des export-verifier <block.proof.json | --vkey FILE> [--out FILE.sol] [--trusted FILE] [--calldata FILE]

Writes the Solidity Groth16 verifier contract (snarkjs's standard ${VERIFIER_CONTRACT}, from its own
template) for the verification key of the block proof's root circuit, and the proof's arguments to
verifyProof(uint[2] a, uint[2][2] b, uint[2] c, uint[1] input) as snarkjs zkey export
soliditycalldata formats them (b's coordinates swapped within each pair).

With a block proof, its key is chosen as des verify chooses it: among the trusted root keys (this
machine's own, --trusted FILE, or the one --vkey FILE), the one the proof names. The contract pins
that one key by construction: it accepts proofs for that root circuit and key only. The proof itself
is not checked here: run des verify for that.

  --vkey FILE      the verification key to export (snarkjs JSON, BN254, one public input); with a
                   block proof it must be the key the proof names
  --trusted FILE   trusted root keys (a des keys export manifest); default: this machine's own
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
        trusted: { type: "string" },
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
    if (file === undefined && flags.trusted !== undefined)
      throw desError("USAGE", "--trusted needs a block proof (it chooses the key the proof names)");
    if (file === undefined && flags.calldata !== undefined)
      throw desError("USAGE", "--calldata needs a block proof");

    const bp = file === undefined ? undefined : loadBlockProof(file);
    let vkey: unknown;
    let source: string;
    if (bp) {
      const set = trustSetFromFlags(flags);
      vkey = chooseKey(set, bp).vkey;
      source = flags.vkey ?? `trusted key of ${bp.circuit} (${set.source})`;
    } else {
      vkey = readJsonFile(flags.vkey!);
      source = flags.vkey!;
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
