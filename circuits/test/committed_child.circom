pragma circom 2.1.0;

/*
 * Glue for one verified child proven as Groth16 with one commitment (test/verifier-committed.test.ts,
 * the per-child benchmark): the lookup-form verifier (groth16_verifier.circom, RC = 0) is linked to
 * it with its public x and seed bound to this circuit's x and seed. Public signal:
 * pub = Poseidon(x, seed) (x' of the committed proof). post_xp follows the lookup form's naming.
 */

include "circomlib/circuits/poseidon.circom";

template CommittedChild() {
    signal input x;
    signal input seed;
    signal output pub;
    component post_xp = Poseidon(2);
    post_xp.inputs[0] <== x;
    post_xp.inputs[1] <== seed;
    pub <== post_xp.out;
}
