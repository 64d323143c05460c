pragma circom 2.1.0;

/*
 * The column circuit: proves the execution of one execution column against the block's pre-state
 * root R0, without knowing any other column (see DESIGN.md, "Why columns do not chain state roots").
 * Mirrors src/state/execute.ts (applyTx) and the hashes of src/crypto/hash.ts bit for bit.
 */

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "lib/helpers.circom";
include "lib/merkle.circom";
include "lib/hashes.circom";

/*
 * AccountRead(DEPTH): reads one account slot against the pre-state root.
 *   When enabled = 1 (a real slot), proves that the leaf at index `key` of the tree with root `root`
 *   is leafHash(Ax, Ay, balance, nonce) if exists = 1, or the empty leaf 0 if exists = 0.
 *   Always: exists is boolean and exists ≤ enabled; an absent account (exists = 0) has
 *   Ax = Ay = balance = nonce = 0; a padding slot (enabled = 0) has key 0; key < 2^DEPTH;
 *   balance and nonce are u64.
 *   params: DEPTH, the tree depth.
 *   inputs: enabled (boolean: caller), root, key, exists, Ax, Ay, balance, nonce, siblings[DEPTH].
 *   output: leaf, the leaf before (0 for an absent account).
 *   cost: ≈ DEPTH·242 + 297 (leaf hash) + 128 (u64 checks) + 8.
 */
template AccountRead(DEPTH) {
    signal input enabled;
    signal input root;
    signal input key;
    signal input exists;
    signal input Ax;
    signal input Ay;
    signal input balance;
    signal input nonce;
    signal input siblings[DEPTH];
    signal output leaf;

    exists * (exists - 1) === 0;
    exists * (1 - enabled) === 0;
    (1 - exists) * Ax === 0;
    (1 - exists) * Ay === 0;
    (1 - exists) * balance === 0;
    (1 - exists) * nonce === 0;
    (1 - enabled) * key === 0;

    component balanceU64 = RangeCheck(64);
    balanceU64.in <== balance;
    component nonceU64 = RangeCheck(64);
    nonceU64.in <== nonce;

    component hash = LeafHash();
    hash.Ax <== Ax;
    hash.Ay <== Ay;
    hash.balance <== balance;
    hash.nonce <== nonce;
    leaf <== exists * hash.out;

    component membership = MerkleMembership(DEPTH);
    membership.enabled <== enabled;
    membership.root <== root;
    membership.key <== key;
    membership.leaf <== leaf;
    for (var i = 0; i < DEPTH; i++) membership.siblings[i] <== siblings[i];
}

/*
 * Transfer(ACCOUNTS): one transaction slot applied to the column's local account table.
 *   When active = 1, proves what native applyTx checks:
 *     - fromSel / toSel are one-hot and pick the slots whose keys are `from` / `to`;
 *     - (R8, S) is a valid EdDSA-Poseidon signature of txHash(chainId, from, to, amount, nonce) under the
 *       sender slot's public key A (circomlib's EdDSAPoseidonVerifier: S < subgroup order,
 *       8·A ≠ identity), with R8 and A on BabyJubjub (as native verify requires). An absent
 *       account or one created by a transfer has A = (0, 0), which is off the curve: it cannot
 *       send;
 *     - nonce = sender nonce, and sender nonce ≠ 2^64 − 1 (so nonce + 1 fits u64);
 *     - amount is u64, amount ≤ sender balance (sender balance − amount is u64), and, unless
 *       from = to, receiver balance + amount is u64;
 *   and outputs the table after it: sender balance − amount and nonce + 1, receiver balance +
 *   amount (a self-transfer only bumps the nonce: slot i gains amount·(toSel[i] − fromSel[i])).
 *   When active = 0 (padding): selectors are all zero, the table passes through unchanged, and the
 *   signature is not checked; the caller must give zeros (nonce must be 0, the range checks run).
 *   params: ACCOUNTS, the number of account slots.
 *   inputs: active (boolean: caller); chainId, from, to, amount, nonce, R8x, R8y, S; fromSel[ACCOUNTS],
 *           toSel[ACCOUNTS]; the table before: key, Ax, Ay, balIn, nonceIn (each [ACCOUNTS]).
 *   outputs: balOut[ACCOUNTS], nonceOut[ACCOUNTS], hash (txHash).
 *   assumptions (caller): every balIn/nonceIn is u64 (true for the table read from R0 by
 *   AccountRead and kept so by this template's own checks); the keys of the slots a transaction
 *   may select are distinct (so from = to exactly when fromSel = toSel).
 *   cost: EdDSA 4,217 + txHash 321 + 3·64 range checks + 10·ACCOUNTS + 14 (at --O2).
 */
template Transfer(ACCOUNTS) {
    signal input active;
    signal input chainId;
    signal input from;
    signal input to;
    signal input amount;
    signal input nonce;
    signal input R8x;
    signal input R8y;
    signal input S;
    signal input fromSel[ACCOUNTS];
    signal input toSel[ACCOUNTS];
    signal input key[ACCOUNTS];
    signal input Ax[ACCOUNTS];
    signal input Ay[ACCOUNTS];
    signal input balIn[ACCOUNTS];
    signal input nonceIn[ACCOUNTS];
    signal output balOut[ACCOUNTS];
    signal output nonceOut[ACCOUNTS];
    signal output hash;

    // Which slots: one-hot selectors whose slot keys are from / to.
    component fromHot = OneHot(ACCOUNTS);
    component toHot = OneHot(ACCOUNTS);
    fromHot.enabled <== active;
    toHot.enabled <== active;
    component fromKey = Select(ACCOUNTS);
    component toKey = Select(ACCOUNTS);
    component senderAx = Select(ACCOUNTS);
    component senderAy = Select(ACCOUNTS);
    component senderBal = Select(ACCOUNTS);
    component senderNonce = Select(ACCOUNTS);
    component receiverBal = Select(ACCOUNTS);
    for (var i = 0; i < ACCOUNTS; i++) {
        fromHot.sel[i] <== fromSel[i];
        toHot.sel[i] <== toSel[i];
        fromKey.sel[i] <== fromSel[i];
        fromKey.v[i] <== key[i];
        toKey.sel[i] <== toSel[i];
        toKey.v[i] <== key[i];
        senderAx.sel[i] <== fromSel[i];
        senderAx.v[i] <== Ax[i];
        senderAy.sel[i] <== fromSel[i];
        senderAy.v[i] <== Ay[i];
        senderBal.sel[i] <== fromSel[i];
        senderBal.v[i] <== balIn[i];
        senderNonce.sel[i] <== fromSel[i];
        senderNonce.v[i] <== nonceIn[i];
        receiverBal.sel[i] <== toSel[i];
        receiverBal.v[i] <== balIn[i];
    }
    fromKey.out === from;
    toKey.out === to;

    // Nonce: equal to the sender's, and not u64 max (so that nonce + 1 is u64).
    senderNonce.out === nonce;
    component nonceIsMax = IsZero();
    nonceIsMax.in <== senderNonce.out - 18446744073709551615;
    nonceIsMax.out === 0;

    // Balances: amount u64, no underdraft, no receiver overflow (a self-transfer credits nothing).
    component amountU64 = RangeCheck(64);
    amountU64.in <== amount;
    component senderAfterU64 = RangeCheck(64);
    senderAfterU64.in <== senderBal.out - amount;
    component isSelf = IsEqual();
    isSelf.in[0] <== from;
    isSelf.in[1] <== to;
    signal credit;
    credit <== amount * (1 - isSelf.out);
    component receiverAfterU64 = RangeCheck(64);
    receiverAfterU64.in <== receiverBal.out + credit;

    // Signature by the sender's key over txHash.
    component txHash = TxHash();
    txHash.chainId <== chainId;
    txHash.from <== from;
    txHash.to <== to;
    txHash.amount <== amount;
    txHash.nonce <== nonce;
    hash <== txHash.out;

    component r8OnCurve = OnBabyJubIfEnabled();
    r8OnCurve.enabled <== active;
    r8OnCurve.x <== R8x;
    r8OnCurve.y <== R8y;
    component keyOnCurve = OnBabyJubIfEnabled();
    keyOnCurve.enabled <== active;
    keyOnCurve.x <== senderAx.out;
    keyOnCurve.y <== senderAy.out;

    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== active;
    sig.Ax <== senderAx.out;
    sig.Ay <== senderAy.out;
    sig.S <== S;
    sig.R8x <== R8x;
    sig.R8y <== R8y;
    sig.M <== txHash.out;

    // The table after the transaction.
    signal delta[ACCOUNTS];
    for (var i = 0; i < ACCOUNTS; i++) {
        delta[i] <== amount * (toSel[i] - fromSel[i]);
        balOut[i] <== balIn[i] + delta[i];
        nonceOut[i] <== nonceIn[i] + fromSel[i];
    }
}

/*
 * ColumnExec(TXS, ACCOUNTS, DEPTH): one execution column.
 *
 * Proves: there is a table of ACCOUNTS account slots, each real slot read once from the tree with
 * root r0 (an absent account as the empty leaf 0), with keys strictly increasing over the real
 * slots (no key read twice) and padding slots after the real ones; and up to TXS transactions,
 * the active ones first, with strictly increasing block indices, each of them valid and applied in
 * order to the table as native applyTx does (see Transfer); every real slot is touched (sender or
 * receiver) by at least one active transaction and no padding slot is; and the claimed values
 * are those of this execution:
 *   txDigest    = d over the active transactions (index, txHash) in slot order,
 *   writeDigest = w over the real slots (key, leaf before, leaf after) in key order,
 *   fingerprint = ∏ (γ − writeHash(key, before, after)) over the real slots,
 *   txFingerprint = ∏ (γ − txHash − δ·index) over the active transactions, δ = h(DOMAIN_DELTA, γ)
 *                 (the multiset of the column's (index, txHash) pairs: the block root compares the
 *                 columns' product with the block's transaction list, lib/txlist.circom).
 * The leaf after of a real slot is always leafHash(Ax, Ay, balance, nonce): every touched account
 * exists after the column (a receiver that was absent is created with pubkey (0, 0), nonce 0).
 * So the write set is exactly the set of keys the column's transactions touch, as native
 * executeBlock reports it.
 *
 * params: TXS transaction slots, ACCOUNTS account slots, DEPTH tree depth.
 * public: the output pub = columnPublicHash(r0, txDigest, writeDigest, fingerprint, txFingerprint, γ)
 *   only; all inputs are private.
 * inputs: r0, gamma, txDigest, writeDigest, fingerprint, txFingerprint (claimed values, checked);
 *   chainId (the chain id every transaction hash includes; bound by the root through the hashes);
 *   account slots: accReal, accKey, accExists, accAx, accAy, accBalance, accNonce (each
 *   [ACCOUNTS]), accSiblings[ACCOUNTS][DEPTH];
 *   transaction slots: txActive, txIndex, txFrom, txTo, txAmount, txNonce, txR8x, txR8y, txS (each
 *   [TXS]), txFromSel[TXS][ACCOUNTS], txToSel[TXS][ACCOUNTS]. Padding slots hold zeros.
 * assumptions (caller / aggregator): r0 is the block's pre-state root and its leaves hold u64
 *   balances and nonces and on-curve keys or (0, 0) (the circuit re-checks the u64 part of what it
 *   reads); γ is the block's Fiat–Shamir challenge; the aggregator checks that the columns'
 *   transaction fingerprints multiply to the block transaction list's (so the columns' pairs are
 *   exactly the list's, each index once) and their write fingerprints to the state update's.
 *   Block indices are < 2^32.
 */
template ColumnExec(TXS, ACCOUNTS, DEPTH) {
    signal input r0;
    signal input gamma;
    signal input txDigest;
    signal input writeDigest;
    signal input fingerprint;
    signal input txFingerprint;
    signal input chainId;

    signal input accReal[ACCOUNTS];
    signal input accKey[ACCOUNTS];
    signal input accExists[ACCOUNTS];
    signal input accAx[ACCOUNTS];
    signal input accAy[ACCOUNTS];
    signal input accBalance[ACCOUNTS];
    signal input accNonce[ACCOUNTS];
    signal input accSiblings[ACCOUNTS][DEPTH];

    signal input txActive[TXS];
    signal input txIndex[TXS];
    signal input txFrom[TXS];
    signal input txTo[TXS];
    signal input txAmount[TXS];
    signal input txNonce[TXS];
    signal input txR8x[TXS];
    signal input txR8y[TXS];
    signal input txS[TXS];
    signal input txFromSel[TXS][ACCOUNTS];
    signal input txToSel[TXS][ACCOUNTS];

    signal output pub;

    // ---- account slots: real ones first, keys strictly increasing, each read against r0.
    component realPrefix = PrefixFlags(ACCOUNTS);
    component read[ACCOUNTS];
    component keyOrder[ACCOUNTS];
    for (var i = 0; i < ACCOUNTS; i++) {
        realPrefix.flag[i] <== accReal[i];
        read[i] = AccountRead(DEPTH);
        read[i].enabled <== accReal[i];
        read[i].root <== r0;
        read[i].key <== accKey[i];
        read[i].exists <== accExists[i];
        read[i].Ax <== accAx[i];
        read[i].Ay <== accAy[i];
        read[i].balance <== accBalance[i];
        read[i].nonce <== accNonce[i];
        for (var j = 0; j < DEPTH; j++) read[i].siblings[j] <== accSiblings[i][j];
        if (i > 0) {
            // keys < 2^DEPTH by AccountRead's Num2Bits.
            keyOrder[i] = IncreasingIfEnabled(DEPTH);
            keyOrder[i].enabled <== accReal[i];
            keyOrder[i].a <== accKey[i - 1];
            keyOrder[i].b <== accKey[i];
        }
    }

    // ---- transactions: active ones first, block indices strictly increasing.
    component activePrefix = PrefixFlags(TXS);
    for (var t = 0; t < TXS; t++) activePrefix.flag[t] <== txActive[t];
    // index[0] < 2^32 and each later active index exceeds the previous one by 1 … 2^32: indices are
    // strictly increasing integers far below the field modulus.
    component firstIndex = RangeCheck(32);
    firstIndex.in <== txIndex[0];
    component indexOrder[TXS];

    component transfer[TXS];
    component txChain[TXS];
    component txFactor[TXS];
    signal digest[TXS + 1];
    signal tfp[TXS + 1];
    digest[0] <== 0;
    tfp[0] <== 1;
    component delta = Delta();
    delta.gamma <== gamma;
    for (var t = 0; t < TXS; t++) {
        if (t > 0) {
            indexOrder[t] = IncreasingIfEnabled(32);
            indexOrder[t].enabled <== txActive[t];
            indexOrder[t].a <== txIndex[t - 1];
            indexOrder[t].b <== txIndex[t];
        }
        transfer[t] = Transfer(ACCOUNTS);
        transfer[t].active <== txActive[t];
        transfer[t].chainId <== chainId;
        transfer[t].from <== txFrom[t];
        transfer[t].to <== txTo[t];
        transfer[t].amount <== txAmount[t];
        transfer[t].nonce <== txNonce[t];
        transfer[t].R8x <== txR8x[t];
        transfer[t].R8y <== txR8y[t];
        transfer[t].S <== txS[t];
        for (var i = 0; i < ACCOUNTS; i++) {
            transfer[t].fromSel[i] <== txFromSel[t][i];
            transfer[t].toSel[i] <== txToSel[t][i];
            transfer[t].key[i] <== accKey[i];
            transfer[t].Ax[i] <== accAx[i];
            transfer[t].Ay[i] <== accAy[i];
            if (t == 0) {
                transfer[t].balIn[i] <== accBalance[i];
                transfer[t].nonceIn[i] <== accNonce[i];
            } else {
                transfer[t].balIn[i] <== transfer[t - 1].balOut[i];
                transfer[t].nonceIn[i] <== transfer[t - 1].nonceOut[i];
            }
        }
        txChain[t] = TxDigestStepIfEnabled();
        txChain[t].enabled <== txActive[t];
        txChain[t].acc <== digest[t];
        txChain[t].index <== txIndex[t];
        txChain[t].hash <== transfer[t].hash;
        digest[t + 1] <== txChain[t].out;
        txFactor[t] = TxFactorIfEnabled();
        txFactor[t].enabled <== txActive[t];
        txFactor[t].fpIn <== tfp[t];
        txFactor[t].gamma <== gamma;
        txFactor[t].delta <== delta.out;
        txFactor[t].index <== txIndex[t];
        txFactor[t].hash <== transfer[t].hash;
        tfp[t + 1] <== txFactor[t].fpOut;
    }
    txDigest === digest[TXS];
    txFingerprint === tfp[TXS];

    // ---- write set: every real slot touched, no padding slot touched; (key, before, after).
    component untouched[ACCOUNTS];
    component leafAfter[ACCOUNTS];
    component writes[ACCOUNTS];
    signal wDigest[ACCOUNTS + 1];
    signal fp[ACCOUNTS + 1];
    wDigest[0] <== 0;
    fp[0] <== 1;
    for (var i = 0; i < ACCOUNTS; i++) {
        var touched = 0;
        for (var t = 0; t < TXS; t++) touched += txFromSel[t][i] + txToSel[t][i];
        (1 - accReal[i]) * touched === 0;
        untouched[i] = IsZero();
        untouched[i].in <== touched;
        accReal[i] * untouched[i].out === 0;

        leafAfter[i] = LeafHash();
        leafAfter[i].Ax <== accAx[i];
        leafAfter[i].Ay <== accAy[i];
        leafAfter[i].balance <== transfer[TXS - 1].balOut[i];
        leafAfter[i].nonce <== transfer[TXS - 1].nonceOut[i];

        writes[i] = WriteCommitIfEnabled();
        writes[i].enabled <== accReal[i];
        writes[i].digestIn <== wDigest[i];
        writes[i].fpIn <== fp[i];
        writes[i].gamma <== gamma;
        writes[i].key <== accKey[i];
        writes[i].before <== read[i].leaf;
        writes[i].after <== leafAfter[i].out;
        wDigest[i + 1] <== writes[i].digestOut;
        fp[i + 1] <== writes[i].fpOut;
    }
    writeDigest === wDigest[ACCOUNTS];
    fingerprint === fp[ACCOUNTS];

    component publicHash = ColumnPublicHash();
    publicHash.r0 <== r0;
    publicHash.txDigest <== txDigest;
    publicHash.writeDigest <== writeDigest;
    publicHash.fingerprint <== fingerprint;
    publicHash.txFingerprint <== txFingerprint;
    publicHash.gamma <== gamma;
    pub <== publicHash.out;
}
