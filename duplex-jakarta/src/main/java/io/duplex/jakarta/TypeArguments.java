package io.duplex.jakarta;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * The type argument a class gives a generic interface ({@code Decoder.Text<T>}, {@code
 * MessageHandler.Whole<T>}), found by walking its superclasses and interfaces: how a container
 * learns what a decoder produces or what a handler takes (Jakarta WebSocket 2.1 §2.1.3).
 *
 * <p>Threading: stateless.
 */
final class TypeArguments {
    private TypeArguments() {}

    /** The raw class {@code type} binds to {@code target}'s only type parameter, or null. */
    static Class<?> of(Class<?> type, Class<?> target) {
        return resolve(type, target, new HashMap<>());
    }

    private static Class<?> resolve(Type type, Class<?> target, Map<TypeVariable<?>, Type> bound) {
        Class<?> raw = raw(type, bound);
        if (raw == null) {
            return null;
        }
        if (type instanceof ParameterizedType p) {
            TypeVariable<?>[] vars = raw.getTypeParameters();
            Type[] args = p.getActualTypeArguments();
            for (int i = 0; i < vars.length; i++) {
                bound.put(vars[i], args[i]);
            }
            if (raw == target) {
                return raw(args[0], bound);
            }
        }
        for (Type i : raw.getGenericInterfaces()) {
            Class<?> found = resolve(i, target, bound);
            if (found != null) {
                return found;
            }
        }
        Type sup = raw.getGenericSuperclass();
        return sup == null ? null : resolve(sup, target, bound);
    }

    private static Class<?> raw(Type type, Map<TypeVariable<?>, Type> bound) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        if (type instanceof TypeVariable<?> v) {
            Type b = bound.get(v);
            return b == null ? null : raw(b, bound);
        }
        if (type instanceof GenericArrayType a) {
            Class<?> component = raw(a.getGenericComponentType(), bound);
            return component == null ? null : component.arrayType();
        }
        return null;
    }
}
