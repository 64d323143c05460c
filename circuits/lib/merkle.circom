pragma circom 2.1.0;

/*
 * Merkle membership in the project's fixed-depth Poseidon tree (src/state/smt.ts): a key is the
 * leaf index, bit i of the key picks the side at level i counted from the leaves (0: the path node
 * is the left child), nodes hash as Poseidon(left, right), an empty leaf is 0.
 */

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";

/*
 * MerkleRoot(DEPTH): the root implied by a leaf and its authentication path.
 *   params: DEPTH ≥ 1, the number of levels hashed.
 *   inputs: leaf; bits[DEPTH] (path bits, least significant = leaf level); siblings[DEPTH].
 *   output: root.
 *   assumptions (caller): every bits[i] is boolean (e.g. the output of Num2Bits on the key).
 *   cost: DEPTH·(240 + 1): one Poseidon(2) and one product (the conditional swap) per level.
 */
template MerkleRoot(DEPTH) {
    signal input leaf;
    signal input bits[DEPTH];
    signal input siblings[DEPTH];
    signal output root;

    signal node[DEPTH + 1];
    signal swap[DEPTH];
    component hash[DEPTH];
    node[0] <== leaf;
    for (var i = 0; i < DEPTH; i++) {
        // bits[i] = 0: (node, sibling); bits[i] = 1: (sibling, node).
        swap[i] <== bits[i] * (siblings[i] - node[i]);
        hash[i] = Poseidon(2);
        hash[i].inputs[0] <== node[i] + swap[i];
        hash[i].inputs[1] <== siblings[i] - swap[i];
        node[i + 1] <== hash[i].out;
    }
    root <== node[DEPTH];
}

/*
 * MerkleMembership(DEPTH): when enabled = 1, proves that `leaf` is the leaf at index `key` of the
 * tree with root `root` (an absent key is proven with leaf = 0). Also range-checks key < 2^DEPTH.
 *   params: DEPTH ≥ 1.
 *   inputs: enabled (boolean: caller); root; key; leaf; siblings[DEPTH].
 *   output: bits[DEPTH], the key's bits (for callers that need them).
 *   cost: DEPTH (Num2Bits) + DEPTH·241 (MerkleRoot) + 1.
 *   note: key < 2^DEPTH is enforced even when enabled = 0, so padding slots use key 0.
 */
template MerkleMembership(DEPTH) {
    signal input enabled;
    signal input root;
    signal input key;
    signal input leaf;
    signal input siblings[DEPTH];
    signal output bits[DEPTH];

    component keyBits = Num2Bits(DEPTH);
    keyBits.in <== key;
    component path = MerkleRoot(DEPTH);
    path.leaf <== leaf;
    for (var i = 0; i < DEPTH; i++) {
        path.bits[i] <== keyBits.out[i];
        path.siblings[i] <== siblings[i];
        bits[i] <== keyBits.out[i];
    }
    enabled * (path.root - root) === 0;
}
