/**
 * Options that several {@code duplex} commands take, each declared once as a picocli {@code
 * @Mixin} (one class per concern: its names, default, description and validation), and the
 * option value types with their converters ({@link io.duplex.cli.options.ByteSize}, {@link
 * io.duplex.cli.options.Header}). A value that fails validation is a usage error (exit 2),
 * raised when the command asks the mixin for it, so the command keeps its order of checks.
 */
package io.duplex.cli.options;
