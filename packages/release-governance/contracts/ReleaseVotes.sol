// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title ReleaseVotes: the DAO's votes token for release decisions.
/// @notice A fixed supply minted once to the founding holders, each delegated to itself so it can
/// vote at once; no owner and no later minting, so nobody can buy a majority from the contract.
/// The clock is the block timestamp (ERC-6372 `mode=timestamp`): voting periods and the review
/// window are then all in seconds, the same on every chain whatever its block time.
contract ReleaseVotes is ERC20, ERC20Permit, ERC20Votes {
    error AllocationLengthMismatch(uint256 holders, uint256 amounts);

    constructor(string memory name_, string memory symbol_, address[] memory holders, uint256[] memory amounts)
        ERC20(name_, symbol_)
        ERC20Permit(name_)
    {
        if (holders.length != amounts.length) revert AllocationLengthMismatch(holders.length, amounts.length);
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
            _delegate(holders[i], holders[i]);
        }
    }

    function clock() public view override returns (uint48) {
        return uint48(block.timestamp);
    }

    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
