/** Why a bearer token or a credential was refused; recorded in the audit log, never shown to the caller. */
export class TokenRefused extends Error {
  constructor(
    readonly reason: string,
    /** The refused credential's client id as stored, when the caller named a real one. */
    readonly clientId?: string,
  ) {
    super(reason);
  }
}
