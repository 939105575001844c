/** The released versions of each schema and the check that new versions stay compatible. */
package io.clipline.schemas.evolution;
