package io.duplex.jakarta;

import java.lang.reflect.InvocationTargetException;

/**
 * Makes instances of application classes through their public no-arg constructor (encoders,
 * decoders, configurators and endpoints: Jakarta WebSocket 2.1 §4.1.2, §4.1.3, §3.1.7).
 *
 * <p>Threading: stateless.
 */
final class Instances {
    private Instances() {}

    static <T> T create(Class<T> type) {
        try {
            return type.getConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("constructor of " + type.getName() + " failed", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getName() + " needs a public no-arg constructor", e);
        }
    }
}
