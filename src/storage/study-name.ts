/** Study names: what a person types, and safe in any storage (no quoting needed, no SQL). */
export const STUDY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** The one line that says what a study name may be. */
export const STUDY_NAME_RULE = 'a study name is 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit';
