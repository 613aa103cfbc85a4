// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Anchorpost anchor
/// @notice Puts Anchorpost batch roots on chain as `Anchored` events. Each batch sequence can be
/// anchored exactly once, and only by an authorized submitter, so the event log of this contract
/// is a trustworthy list of batches: a parser that reads events from this address alone cannot be
/// fooled by strangers, and even a faulty anchorer cannot anchor a batch twice.
contract AnchorpostAnchor {
    /// @notice A batch-file CID in text form is 59 characters today; this bound leaves room for
    /// longer hashes while keeping events (and what a parser must hold in memory) small.
    uint256 public constant MAX_BATCH_CID_LENGTH = 128;

    event Anchored(bytes32 indexed root, string batchCid, uint64 indexed sequence, address indexed submitter);
    event SubmitterChanged(address indexed submitter, bool allowed);
    event OwnershipTransferStarted(address indexed owner, address indexed pendingOwner);
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);

    error NotOwner(address caller);
    error NotPendingOwner(address caller);
    error NotSubmitter(address caller);
    error ZeroRoot();
    error EmptyBatchCid();
    error BatchCidTooLong(uint256 length);
    error AlreadyAnchored(uint64 sequence, bytes32 root);
    error ZeroAddress();

    address public owner;
    address public pendingOwner;
    mapping(address submitter => bool) public isSubmitter;
    /// @notice The root anchored for a batch sequence; zero while the sequence is free.
    mapping(uint64 sequence => bytes32) public anchoredRoot;

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    constructor(address[] memory submitters) {
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
        for (uint256 i = 0; i < submitters.length; ++i) {
            _setSubmitter(submitters[i], true);
        }
    }

    function anchor(bytes32 root, string calldata batchCid, uint64 sequence) external {
        if (!isSubmitter[msg.sender]) revert NotSubmitter(msg.sender);
        if (root == bytes32(0)) revert ZeroRoot();
        uint256 length = bytes(batchCid).length;
        if (length == 0) revert EmptyBatchCid();
        if (length > MAX_BATCH_CID_LENGTH) revert BatchCidTooLong(length);
        bytes32 existing = anchoredRoot[sequence];
        if (existing != bytes32(0)) revert AlreadyAnchored(sequence, existing);
        anchoredRoot[sequence] = root;
        emit Anchored(root, batchCid, sequence, msg.sender);
    }

    function setSubmitter(address submitter, bool allowed) external onlyOwner {
        _setSubmitter(submitter, allowed);
    }

    /// @notice Two-step transfer: a mistyped address cannot take the allow-list away.
    function transferOwnership(address newOwner) external onlyOwner {
        pendingOwner = newOwner;
        emit OwnershipTransferStarted(msg.sender, newOwner);
    }

    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        pendingOwner = address(0);
    }

    function _setSubmitter(address submitter, bool allowed) private {
        if (submitter == address(0)) revert ZeroAddress();
        isSubmitter[submitter] = allowed;
        emit SubmitterChanged(submitter, allowed);
    }
}
