pragma circom 2.1.0;

/*
 * Glue of a node with one verified child, the node proven as Groth16 with one commitment
 * (test/verifier-committed.test.ts): the lookup-form verifier (groth16_verifier.circom, RC = 0; there
 * the committed form, CM = 1, of a committed child) is linked to it with its public x and seed bound
 * to this circuit's x and seed. Public signal:
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

/*
 * Glue of a node with two committed children (bench/node.ts, form "inner": the committed lookup
 * verifier, RC = 0, CM = 1, twice): x1 and x2 are the children's statements, bound to the verifiers'
 * x, and both verifiers' seed to this circuit's seed. pub = Poseidon(Poseidon(x1, x2), seed).
 */
template CommittedPair() {
    signal input x1;
    signal input x2;
    signal input seed;
    signal output pub;
    component st = Poseidon(2);
    st.inputs[0] <== x1;
    st.inputs[1] <== x2;
    component post_xp = Poseidon(2);
    post_xp.inputs[0] <== st.out;
    post_xp.inputs[1] <== seed;
    pub <== post_xp.out;
}
