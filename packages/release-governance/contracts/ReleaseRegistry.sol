// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title ReleaseRegistry: which release manifest the DAO approved last.
/// @notice Owned by the timelock, so an approval is the execution of a passed and reviewed vote.
/// A release proposal is one call to `approve` (or `approveRollback`): the manifest's SHA-256 and
/// CID are the call's arguments, so the digest itself is what was voted. Versions only go up; a
/// rollback is its own function, so voters see in the call itself that a proposal goes back, and
/// it may only go back to a version this registry approved before. The guardian may pause the
/// registry once, for a bounded time: approvals (and the updater) wait until it ends.
contract ReleaseRegistry is Ownable {
    struct Release {
        bytes32 manifestSha256;
        string manifestCid;
        uint64 version;
        bool rollback;
        uint64 approvedAt;
    }

    /// @notice Long enough for any CID string in use (a CIDv1 base32 sha2-256 is 59 bytes).
    uint256 public constant MAX_CID_BYTES = 128;

    address public immutable guardian;
    uint64 public immutable maxPauseSeconds;
    /// @notice Until when (unix seconds) approvals are refused; 0: never paused.
    uint64 public pausedUntil;
    bool public pauseUsed;
    /// @notice The highest version ever approved: a forward release must exceed it.
    uint64 public highestVersion;
    /// @notice The manifest digest approved (forward) under each version: what a rollback may return to.
    mapping(uint64 version => bytes32 manifestSha256) public approvedManifest;
    Release private _current;

    event ReleaseApproved(uint64 indexed version, bytes32 indexed manifestSha256, string manifestCid, bool rollback);
    event RegistryPaused(address indexed guardian, uint64 until);

    error NotGuardian(address caller);
    error PauseAlreadyUsed();
    error PauseOutOfRange(uint64 until, uint64 latest);
    error RegistryIsPaused(uint64 until);
    error EmptyManifestDigest();
    error BadManifestCid(uint256 length);
    error VersionNotIncreasing(uint64 version, uint64 highest);
    error NotARollback(uint64 version, uint64 current);
    error UnknownRollbackTarget(uint64 version);

    constructor(address timelock, address guardian_, uint64 maxPauseSeconds_) Ownable(timelock) {
        guardian = guardian_;
        maxPauseSeconds = maxPauseSeconds_;
    }

    /// @notice Approves a new release: `version` above every version approved before.
    function approve(bytes32 manifestSha256, string calldata manifestCid, uint64 version) external onlyOwner {
        if (version <= highestVersion) revert VersionNotIncreasing(version, highestVersion);
        _record(manifestSha256, manifestCid, version, false);
        highestVersion = version;
        approvedManifest[version] = manifestSha256;
    }

    /// @notice Approves a return to an earlier version that this registry approved before.
    function approveRollback(bytes32 manifestSha256, string calldata manifestCid, uint64 version) external onlyOwner {
        if (version >= _current.version) revert NotARollback(version, _current.version);
        if (approvedManifest[version] == bytes32(0)) revert UnknownRollbackTarget(version);
        _record(manifestSha256, manifestCid, version, true);
    }

    /// @notice The guardian's emergency stop: once, until `until`, at most `maxPauseSeconds` from now.
    function pause(uint64 until) external {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        if (pauseUsed) revert PauseAlreadyUsed();
        uint64 latest = uint64(block.timestamp) + maxPauseSeconds;
        if (until <= block.timestamp || until > latest) revert PauseOutOfRange(until, latest);
        pauseUsed = true;
        pausedUntil = until;
        emit RegistryPaused(msg.sender, until);
    }

    function paused() public view returns (bool) {
        return block.timestamp < pausedUntil;
    }

    /// @notice The release approved last (version 0 and empty fields before the first).
    function current() external view returns (Release memory) {
        return _current;
    }

    function _record(bytes32 manifestSha256, string calldata manifestCid, uint64 version, bool rollback) private {
        if (paused()) revert RegistryIsPaused(pausedUntil);
        if (manifestSha256 == bytes32(0)) revert EmptyManifestDigest();
        uint256 length = bytes(manifestCid).length;
        if (length == 0 || length > MAX_CID_BYTES) revert BadManifestCid(length);
        _current = Release(manifestSha256, manifestCid, version, rollback, uint64(block.timestamp));
        emit ReleaseApproved(version, manifestSha256, manifestCid, rollback);
    }
}
