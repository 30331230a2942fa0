/** Why a bearer token or a credential was refused; recorded in the audit log, never shown to the caller. */
export class TokenRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
