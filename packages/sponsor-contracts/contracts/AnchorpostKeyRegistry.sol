// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC2771Context} from "@openzeppelin/contracts/metatx/ERC2771Context.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title AnchorpostKeyRegistry: the public key each identity publishes, and every change to it.
/// @notice An identity is an address: the caller (`_msgSender()`, so a user whose request came
/// through the trusted forwarder is the identity, not the sponsor that paid). It registers a key
/// (fingerprint, suite, the key file's CID and the key's rotation signer), rotates it with a
/// signature of the current key's rotation signer over the change, and revokes it. Every change is
/// an event naming the identity, so an identity's whole history is readable from events alone; the
/// storage holds only the current key, for lookups. No Multicall: batching through a forwarder with
/// a self-delegating multicall is how ERC-2771 callers were spoofed (fixed in OpenZeppelin 5.0.1),
/// and nothing here needs it.
contract AnchorpostKeyRegistry is ERC2771Context, EIP712 {
    struct Key {
        bytes32 fingerprint;
        string suite;
        string keyCid;
        /// @notice The address whose signature (EOA or ERC-1271) authorizes replacing this key.
        address rotationSigner;
    }

    /// @notice Long enough for any suite name or CID string in use (a CIDv1 base32 sha2-256 is 59 bytes).
    uint256 public constant MAX_TEXT_BYTES = 128;

    bytes32 public constant ROTATION_TYPEHASH = keccak256(
        "Rotation(address identity,bytes32 oldFingerprint,bytes32 newFingerprint,string newSuite,string newKeyCid,address newRotationSigner,uint256 rotation)"
    );

    mapping(address identity => Key) private _keys;
    /// @notice How many rotations an identity has made: part of what the old key signs, so a
    /// rotation signature is good once.
    mapping(address identity => uint256) public rotations;

    event KeyRegistered(
        address indexed identity, bytes32 indexed fingerprint, string suite, string keyCid, address rotationSigner
    );
    event KeyRotated(
        address indexed identity,
        bytes32 indexed oldFingerprint,
        bytes32 indexed newFingerprint,
        string suite,
        string keyCid,
        address rotationSigner
    );
    event KeyRevoked(address indexed identity, bytes32 indexed fingerprint);

    error KeyAlreadyRegistered(address identity);
    error NoKeyRegistered(address identity);
    error InvalidKey();
    error BadRotationSignature(address identity);

    constructor(address trustedForwarder) ERC2771Context(trustedForwarder) EIP712("AnchorpostKeyRegistry", "1") {}

    function keyOf(address identity) external view returns (Key memory) {
        return _keys[identity];
    }

    function register(bytes32 fingerprint, string calldata suite, string calldata keyCid, address rotationSigner)
        external
    {
        address identity = _msgSender();
        if (_keys[identity].fingerprint != bytes32(0)) revert KeyAlreadyRegistered(identity);
        _checkKey(fingerprint, suite, keyCid, rotationSigner);
        _keys[identity] = Key(fingerprint, suite, keyCid, rotationSigner);
        emit KeyRegistered(identity, fingerprint, suite, keyCid, rotationSigner);
    }

    /// @notice Replaces the identity's key. `signature` is the current key's rotation signer's
    /// EIP-712 signature of the Rotation: a stolen account alone cannot swap the key silently.
    function rotate(
        bytes32 newFingerprint,
        string calldata newSuite,
        string calldata newKeyCid,
        address newRotationSigner,
        bytes calldata signature
    ) external {
        address identity = _msgSender();
        Key storage current = _keys[identity];
        bytes32 oldFingerprint = current.fingerprint;
        if (oldFingerprint == bytes32(0)) revert NoKeyRegistered(identity);
        _checkKey(newFingerprint, newSuite, newKeyCid, newRotationSigner);
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    ROTATION_TYPEHASH,
                    identity,
                    oldFingerprint,
                    newFingerprint,
                    keccak256(bytes(newSuite)),
                    keccak256(bytes(newKeyCid)),
                    newRotationSigner,
                    rotations[identity]
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(current.rotationSigner, digest, signature)) {
            revert BadRotationSignature(identity);
        }
        rotations[identity] += 1;
        _keys[identity] = Key(newFingerprint, newSuite, newKeyCid, newRotationSigner);
        emit KeyRotated(identity, oldFingerprint, newFingerprint, newSuite, newKeyCid, newRotationSigner);
    }

    /// @notice Withdraws the identity's key; a later `register` starts a new history line that
    /// readers see has no signed link to the revoked key.
    function revoke() external {
        address identity = _msgSender();
        bytes32 fingerprint = _keys[identity].fingerprint;
        if (fingerprint == bytes32(0)) revert NoKeyRegistered(identity);
        delete _keys[identity];
        emit KeyRevoked(identity, fingerprint);
    }

    function _checkKey(bytes32 fingerprint, string calldata suite, string calldata keyCid, address rotationSigner)
        private
        pure
    {
        if (
            fingerprint == bytes32(0) || bytes(suite).length == 0 || bytes(suite).length > MAX_TEXT_BYTES
                || bytes(keyCid).length == 0 || bytes(keyCid).length > MAX_TEXT_BYTES || rotationSigner == address(0)
        ) revert InvalidKey();
    }
}
