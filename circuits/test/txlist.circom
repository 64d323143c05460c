pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";
include "../lib/txlist.circom";

// TxList(MAXTX) with one output for the test harness: pub = Poseidon(count, commitment, fingerprint).
template TxListTest(MAXTX) {
    signal input txActive[MAXTX];
    signal input txHash[MAXTX];
    signal input gamma;
    signal input delta;
    signal output pub;
    component list = TxList(MAXTX);
    list.active <== txActive;
    list.hash <== txHash;
    list.gamma <== gamma;
    list.delta <== delta;
    component h = Poseidon(3);
    h.inputs[0] <== list.count;
    h.inputs[1] <== list.commitment;
    h.inputs[2] <== list.fingerprint;
    pub <== h.out;
}
