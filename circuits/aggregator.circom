pragma circom 2.1.0;

/*
 * The aggregator's glue circuits: the block rules a node of the aggregation tree checks on the public
 * values of its two children. src/aggregate/statement.ts is the reference (same hashes, same rules,
 * stated there in full); src/aggregate/link.ts joins each glue circuit with the in-circuit Groth16
 * verifiers of its children (groth16_verifier.circom, one per child, compiled on their own): the
 * verifier of child i proves its Groth16 proof for the public signal x_i, and its x_i wire *is* the
 * glue's xL / xR input wire. The glue proves x_i = hash(child statement), so the child's proof
 * vouches for the statement the rules read.
 *
 * Every template here has one public signal, pub: the node's statement hash (ColumnNode, StateNode)
 * or the block header hash (BlockRoot). Inputs (all private): xL, xR (or xC, xS) first, then the
 * children's statement values. The linker finds xL/xR by name in the .sym file.
 *
 * Child kinds: 0 = a leaf proof (column.circom / state_update.circom), 1 = a node of this file.
 * Statement values (v):
 *   column leaf  (r0, txDigest, writeDigest, fingerprint, txFingerprint, γ)        6
 *   column node  (r0, γ, dig, fp, tfp)                                              5
 *   state leaf   (rootBefore, rootAfter, shard, keyLo, keyHi, writeDigest, fp, γ)   8
 *   state node   (rootBefore, rootAfter, keyLo, keyHi, γ, dig, fp)                  7
 * Assumptions: a leaf's keys are < 2^DEPTH (state_update.circom range-checks keyLo and keyHi);
 * everything else is checked here.
 */

include "circomlib/circuits/poseidon.circom";
include "lib/helpers.circom";
include "lib/hashes.circom";
include "lib/txlist.circom";

function agg_tag_columns() {
    return 0x636f6c73;
}

function agg_tag_state() {
    return 0x7374617465;
}

function agg_tag_header() {
    return 0x626c6f636b;
}

function agg_domain_gamma() {
    return 0x67616d6d6174;
}

function agg_version() {
    return 2;
}

function agg_column_values(KIND) {
    if (KIND == 0) {
        return 6;
    }
    return 5;
}

function agg_state_values(KIND) {
    if (KIND == 0) {
        return 8;
    }
    return 7;
}

/*
 * ColumnChild(KIND): a column-side child's public signal x and side statement (r0, γ, dig, fp, tfp):
 * fp multiplies the writes' factors, tfp the (index, txHash) pairs' factors.
 */
template ColumnChild(KIND) {
    var NV = agg_column_values(KIND);
    signal input v[NV];
    signal output x;
    signal output r0;
    signal output gamma;
    signal output dig;
    signal output fp;
    signal output tfp;
    if (KIND == 0) {
        component h = ColumnPublicHash();
        h.r0 <== v[0];
        h.txDigest <== v[1];
        h.writeDigest <== v[2];
        h.fingerprint <== v[3];
        h.txFingerprint <== v[4];
        h.gamma <== v[5];
        x <== h.out;
        component d = Poseidon(2);
        d.inputs[0] <== v[1];
        d.inputs[1] <== v[2];
        r0 <== v[0];
        gamma <== v[5];
        dig <== d.out;
        fp <== v[3];
        tfp <== v[4];
    } else {
        component hn = Poseidon(6);
        hn.inputs[0] <== agg_tag_columns();
        for (var i = 0; i < 5; i++) hn.inputs[i + 1] <== v[i];
        x <== hn.out;
        r0 <== v[0];
        gamma <== v[1];
        dig <== v[2];
        fp <== v[3];
        tfp <== v[4];
    }
}

/*
 * StateChild(KIND, DEPTH): a state-side child's x and side statement. A leaf must be unsharded
 * (shard 0) and have keyLo ≤ keyHi (keyHi − keyLo < 2^DEPTH; both are < 2^DEPTH in the leaf).
 */
template StateChild(KIND, DEPTH) {
    var NV = agg_state_values(KIND);
    signal input v[NV];
    signal output x;
    signal output rootBefore;
    signal output rootAfter;
    signal output keyLo;
    signal output keyHi;
    signal output gamma;
    signal output dig;
    signal output fp;
    if (KIND == 0) {
        component h = StatePublicHash();
        h.rootBefore <== v[0];
        h.rootAfter <== v[1];
        h.shard <== v[2];
        h.keyLo <== v[3];
        h.keyHi <== v[4];
        h.writeDigest <== v[5];
        h.fingerprint <== v[6];
        h.gamma <== v[7];
        x <== h.out;
        v[2] === 0;
        component ordered = RangeCheck(DEPTH);
        ordered.in <== v[4] - v[3];
        component d = Poseidon(3);
        d.inputs[0] <== v[5];
        d.inputs[1] <== v[3];
        d.inputs[2] <== v[4];
        rootBefore <== v[0];
        rootAfter <== v[1];
        keyLo <== v[3];
        keyHi <== v[4];
        gamma <== v[7];
        dig <== d.out;
        fp <== v[6];
    } else {
        component hn = Poseidon(8);
        hn.inputs[0] <== agg_tag_state();
        for (var i = 0; i < 7; i++) hn.inputs[i + 1] <== v[i];
        x <== hn.out;
        rootBefore <== v[0];
        rootAfter <== v[1];
        keyLo <== v[2];
        keyHi <== v[3];
        gamma <== v[4];
        dig <== v[5];
        fp <== v[6];
    }
}

/*
 * ColumnNode(KIND): joins two column-side children of kind KIND (left, right in tree order).
 *   rules: same r0, same γ.
 *   pub = Poseidon(TAG_COLUMNS, r0, γ, Poseidon(dig_L, dig_R), fp_L·fp_R, tfp_L·tfp_R).
 *   cost: ≈ 1,000 (leaves) / 700 (nodes).
 */
template ColumnNode(KIND) {
    var NV = agg_column_values(KIND);
    signal input xL;
    signal input xR;
    signal input l[NV];
    signal input r[NV];
    signal output pub;
    component cl = ColumnChild(KIND);
    cl.v <== l;
    cl.x === xL;
    component cr = ColumnChild(KIND);
    cr.v <== r;
    cr.x === xR;
    cl.r0 === cr.r0;
    cl.gamma === cr.gamma;
    component d = Poseidon(2);
    d.inputs[0] <== cl.dig;
    d.inputs[1] <== cr.dig;
    signal fp;
    fp <== cl.fp * cr.fp;
    signal tfp;
    tfp <== cl.tfp * cr.tfp;
    component h = Poseidon(6);
    h.inputs[0] <== agg_tag_columns();
    h.inputs[1] <== cl.r0;
    h.inputs[2] <== cl.gamma;
    h.inputs[3] <== d.out;
    h.inputs[4] <== fp;
    h.inputs[5] <== tfp;
    pub <== h.out;
}

/*
 * StateNode(KIND, DEPTH): joins two state-side children (left, right in key order).
 *   rules: same γ; rootAfter_L = rootBefore_R; keyLo_R = keyHi_L + 1.
 *   pub = Poseidon(TAG_STATE, rootBefore_L, rootAfter_R, keyLo_L, keyHi_R, γ, Poseidon(dig_L, dig_R),
 *   fp_L·fp_R).
 */
template StateNode(KIND, DEPTH) {
    var NV = agg_state_values(KIND);
    signal input xL;
    signal input xR;
    signal input l[NV];
    signal input r[NV];
    signal output pub;
    component sl = StateChild(KIND, DEPTH);
    sl.v <== l;
    sl.x === xL;
    component sr = StateChild(KIND, DEPTH);
    sr.v <== r;
    sr.x === xR;
    sl.gamma === sr.gamma;
    sl.rootAfter === sr.rootBefore;
    sr.keyLo === sl.keyHi + 1;
    component d = Poseidon(2);
    d.inputs[0] <== sl.dig;
    d.inputs[1] <== sr.dig;
    signal fp;
    fp <== sl.fp * sr.fp;
    component h = Poseidon(8);
    h.inputs[0] <== agg_tag_state();
    h.inputs[1] <== sl.rootBefore;
    h.inputs[2] <== sr.rootAfter;
    h.inputs[3] <== sl.keyLo;
    h.inputs[4] <== sr.keyHi;
    h.inputs[5] <== sl.gamma;
    h.inputs[6] <== d.out;
    h.inputs[7] <== fp;
    pub <== h.out;
}

/*
 * BlockRoot(KC, KS, DEPTH, MAXTX): joins the column side (kind KC) and the state side (kind KS) of a
 * block, and binds the block's own transaction list (lib/txlist.circom: its commitment L, length n
 * and pair fingerprint T; MAXTX = the column side's transaction slots, columns × TXS).
 *   rules: same γ; r0_C = rootBefore_S; keyLo_S = 0 and keyHi_S = 2^DEPTH − 1; fp_C = fp_S;
 *   γ = Poseidon(DOMAIN_GAMMA_TREE, R0, R1, dig_C, dig_S, L); δ = Poseidon(DOMAIN_DELTA, γ);
 *   tfp_C = T (the columns' (index, txHash) pairs are exactly the list's: each index in [0, n) once).
 *   pub = Poseidon(TAG_HEADER, version, chainId, number, parent, R0, R1, L, n) (chainId, number,
 *   parent: the block's identity, private inputs bound into the header; the chain id is also inside
 *   every txHash that L commits to).
 */
template BlockRoot(KC, KS, DEPTH, MAXTX) {
    signal input xC;
    signal input xS;
    signal input c[agg_column_values(KC)];
    signal input s[agg_state_values(KS)];
    signal input chainId;
    signal input number;
    signal input parent;
    signal input txActive[MAXTX];
    signal input txHash[MAXTX];
    signal output pub;
    component cc = ColumnChild(KC);
    cc.v <== c;
    cc.x === xC;
    component ss = StateChild(KS, DEPTH);
    ss.v <== s;
    ss.x === xS;
    cc.gamma === ss.gamma;
    cc.r0 === ss.rootBefore;
    ss.keyLo === 0;
    ss.keyHi === (1 << DEPTH) - 1;
    cc.fp === ss.fp;
    component list = TxList(MAXTX);
    list.active <== txActive;
    list.hash <== txHash;
    list.gamma <== cc.gamma;
    component delta = Delta();
    delta.gamma <== cc.gamma;
    list.delta <== delta.out;
    cc.tfp === list.fingerprint;
    component g = Poseidon(6);
    g.inputs[0] <== agg_domain_gamma();
    g.inputs[1] <== cc.r0;
    g.inputs[2] <== ss.rootAfter;
    g.inputs[3] <== cc.dig;
    g.inputs[4] <== ss.dig;
    g.inputs[5] <== list.commitment;
    cc.gamma === g.out;
    component h = Poseidon(9);
    h.inputs[0] <== agg_tag_header();
    h.inputs[1] <== agg_version();
    h.inputs[2] <== chainId;
    h.inputs[3] <== number;
    h.inputs[4] <== parent;
    h.inputs[5] <== cc.r0;
    h.inputs[6] <== ss.rootAfter;
    h.inputs[7] <== list.commitment;
    h.inputs[8] <== list.count;
    pub <== h.out;
}

/*
 * CommittedColumnNode(KIND), CommittedStateNode(KIND, DEPTH), CommittedBlockRoot(KC, KS, DEPTH,
 * MAXTX): the nodes above as the glue of a node
 * proven as Groth16 with one commitment D (src/commit/), whose children's verifiers are the lookup
 * form (Groth16Verifier with RC = 0, groth16_verifier.circom): their public `seed` is this glue's `seed`, which the
 * prover sets to H(D). Public signal: pub = Poseidon(statement, seed), the x' of the committed
 * proof; the statement is the plain node's pub. post_xp follows the naming of the lookup form
 * (computed from the seed; src/commit/key.ts).
 */
template CommittedColumnNode(KIND) {
    var NV = agg_column_values(KIND);
    signal input xL;
    signal input xR;
    signal input seed;
    signal input l[NV];
    signal input r[NV];
    signal output pub;
    component node = ColumnNode(KIND);
    node.xL <== xL;
    node.xR <== xR;
    node.l <== l;
    node.r <== r;
    component post_xp = Poseidon(2);
    post_xp.inputs[0] <== node.pub;
    post_xp.inputs[1] <== seed;
    pub <== post_xp.out;
}

template CommittedStateNode(KIND, DEPTH) {
    var NV = agg_state_values(KIND);
    signal input xL;
    signal input xR;
    signal input seed;
    signal input l[NV];
    signal input r[NV];
    signal output pub;
    component node = StateNode(KIND, DEPTH);
    node.xL <== xL;
    node.xR <== xR;
    node.l <== l;
    node.r <== r;
    component post_xp = Poseidon(2);
    post_xp.inputs[0] <== node.pub;
    post_xp.inputs[1] <== seed;
    pub <== post_xp.out;
}

template CommittedBlockRoot(KC, KS, DEPTH, MAXTX) {
    signal input xC;
    signal input xS;
    signal input seed;
    signal input c[agg_column_values(KC)];
    signal input s[agg_state_values(KS)];
    signal input chainId;
    signal input number;
    signal input parent;
    signal input txActive[MAXTX];
    signal input txHash[MAXTX];
    signal output pub;
    component node = BlockRoot(KC, KS, DEPTH, MAXTX);
    node.xC <== xC;
    node.xS <== xS;
    node.c <== c;
    node.s <== s;
    node.chainId <== chainId;
    node.number <== number;
    node.parent <== parent;
    node.txActive <== txActive;
    node.txHash <== txHash;
    component post_xp = Poseidon(2);
    post_xp.inputs[0] <== node.pub;
    post_xp.inputs[1] <== seed;
    pub <== post_xp.out;
}
