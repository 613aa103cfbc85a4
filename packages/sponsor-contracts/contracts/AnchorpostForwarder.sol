// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC2771Forwarder} from "@openzeppelin/contracts/metatx/ERC2771Forwarder.sol";

/// @title AnchorpostForwarder: OpenZeppelin's ERC-2771 forwarder, unchanged, under our EIP-712 name.
/// @notice A user signs a ForwardRequest (from, to, value, gas, nonce, deadline, data); the sponsor
/// submits it and pays the gas. The forwarder checks the signature, the per-signer nonce and the
/// deadline, forwards exactly `gas` to `to` (or reverts), and appends `from` to the calldata for
/// targets that trust it. The name is part of the EIP-712 domain the user signs over.
contract AnchorpostForwarder is ERC2771Forwarder {
    constructor() ERC2771Forwarder("AnchorpostForwarder") {}
}
