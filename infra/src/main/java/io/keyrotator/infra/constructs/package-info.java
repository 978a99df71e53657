/**
 * keyrotator's CDK constructs, each {@code (scope, id, props)}.
 *
 * <p>Every construct's props are an interface, {@code <Construct>.Props}, with one Javadoc per
 * attribute that states its default; Immutables generates the immutable class and its builder at
 * compile time ({@code new <Construct>.Props.Builder()...build()}). The one style below makes every
 * props type read the same: JDK collections only (nothing of Immutables at run time), {@code
 * Optional} attributes that accept {@code null} as "not given", and an {@link
 * IllegalArgumentException} naming the attributes that are missing when {@code build()} is called
 * without a required one. Cross-field and range checks are each type's {@code @Value.Check},
 * failing with {@code "<Construct>: <field> ..."} ({@link PropsCheck}).
 */
@Value.Style(
    jdkOnly = true,
    optionalAcceptNullable = true,
    throwForInvalidImmutableState = IllegalArgumentException.class,
    defaults = @Value.Immutable(copy = false))
package io.keyrotator.infra.constructs;

import org.immutables.value.Value;
