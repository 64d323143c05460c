pragma circom 2.1.0;

/*
 * Sparse-Merkle update in the project's fixed-depth Poseidon tree (src/state/smt.ts): one leaf
 * changes from `before` to `after`; the root before is checked and the root after computed from the
 * same authentication path (the siblings do not change when only this leaf does).
 */

include "merkle.circom";

/*
 * SmtUpdate(DEPTH): when enabled = 1, proves that leaf index `bits` holds `before` in the tree with
 * root oldRoot, and outputs newRoot, the root after setting it to `after`. When enabled = 0 it
 * checks nothing and newRoot = oldRoot (a padding write).
 *   params: DEPTH ≥ 1 (levels hashed: the full depth, or the height of a shard's subtree).
 *   inputs: enabled (boolean: caller); oldRoot; bits[DEPTH] (path bits, leaf level first);
 *           before; after; siblings[DEPTH] (path of the leaf in the tree with root oldRoot).
 *   output: newRoot.
 *   assumptions (caller): bits boolean (e.g. from Num2Bits of the key).
 *   cost: 2·DEPTH·241 + 2.
 */
template SmtUpdate(DEPTH) {
    signal input enabled;
    signal input oldRoot;
    signal input bits[DEPTH];
    signal input before;
    signal input after;
    signal input siblings[DEPTH];
    signal output newRoot;

    component pathBefore = MerkleRoot(DEPTH);
    component pathAfter = MerkleRoot(DEPTH);
    pathBefore.leaf <== before;
    pathAfter.leaf <== after;
    for (var i = 0; i < DEPTH; i++) {
        pathBefore.bits[i] <== bits[i];
        pathBefore.siblings[i] <== siblings[i];
        pathAfter.bits[i] <== bits[i];
        pathAfter.siblings[i] <== siblings[i];
    }
    enabled * (pathBefore.root - oldRoot) === 0;
    newRoot <== oldRoot + enabled * (pathAfter.root - oldRoot);
}
