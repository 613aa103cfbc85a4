// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title ReleaseTimelock: OpenZeppelin's TimelockController, born without an admin.
/// @notice The minimum delay is the review window between a passed vote and its execution, in
/// which the release is checked and the guardian can cancel. The admin is address(0) from the
/// constructor on — there is no moment in which a deployer key could grant itself a role — so
/// only the timelock itself (that is, a vote) can change roles or the delay. The deployer passes
/// the Governor's address, known before it is deployed, as the only proposer (which makes it the
/// only canceller too) and the only executor.
contract ReleaseTimelock is TimelockController {
    constructor(uint256 reviewWindow, address governor)
        TimelockController(reviewWindow, _single(governor), _single(governor), address(0))
    {}

    function _single(address account) private pure returns (address[] memory accounts) {
        accounts = new address[](1);
        accounts[0] = account;
    }
}
