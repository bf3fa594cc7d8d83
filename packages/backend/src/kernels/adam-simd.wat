;; The fused Adam update (adam-common.ts) over float32 arrays in the tfjs-backend-wasm heap, four lanes at a
;; time with WebAssembly SIMD, then one at a time for the last n mod 4. Every operation is one IEEE float32
;; operation in the order of adamLoop (WebAssembly never fuses a multiply and an add), so the bits are those of
;; the JavaScript loop and of tf.train.adam.
;;
;;   m′ = m·β₁ + g·(1 − β₁);  v′ = v·β₂ + (g·g)·(1 − β₂);  p′ = ((m′ / c₁) / (√(v′ / c₂) + ε))·(−η) + p·d
;;
;; The memory is imported from tfjs-backend-wasm (the single-thread build's, or the threaded build's shared
;; one: scripts/adam-simd.mjs writes both variants into adam-simd-binary.ts from this file). Pointers are byte
;; offsets into it; n is the element count; useDecay = 0 takes p itself instead of p·d.
(module
  (import "env" "memory" MEMORY_TYPE)
  (func (export "adam")
    (param $p i32) (param $m i32) (param $v i32) (param $g i32) (param $op i32) (param $om i32) (param $ov i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $o1 f32) (param $o2 f32) (param $c1 f32) (param $c2 f32) (param $eps f32) (param $nlr f32)
    (param $d f32) (param $useDecay i32)
    (local $off i32) (local $end4 i32) (local $end i32)
    (local $vb1 v128) (local $vb2 v128) (local $vo1 v128) (local $vo2 v128) (local $vc1 v128) (local $vc2 v128)
    (local $veps v128) (local $vnlr v128) (local $vd v128)
    (local $gi v128) (local $mi v128) (local $vi v128) (local $pi v128)
    (local $sg f32) (local $sm f32) (local $sv f32) (local $sp f32)
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $vo1 (f32x4.splat (local.get $o1)))
    (local.set $vo2 (f32x4.splat (local.get $o2)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vnlr (f32x4.splat (local.get $nlr)))
    (local.set $vd (f32x4.splat (local.get $d)))
    (block $done4
      (loop $lanes
        (br_if $done4 (i32.ge_u (local.get $off) (local.get $end4)))
        (local.set $gi (v128.load align=4 (i32.add (local.get $g) (local.get $off))))
        (local.set $mi (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $off))) (local.get $vb1))
          (f32x4.mul (local.get $gi) (local.get $vo1))))
        (local.set $vi (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $off))) (local.get $vb2))
          (f32x4.mul (f32x4.mul (local.get $gi) (local.get $gi)) (local.get $vo2))))
        (local.set $pi (v128.load align=4 (i32.add (local.get $p) (local.get $off))))
        (if (local.get $useDecay) (then (local.set $pi (f32x4.mul (local.get $pi) (local.get $vd)))))
        (v128.store align=4 (i32.add (local.get $op) (local.get $off))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mi) (local.get $vc1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vi) (local.get $vc2))) (local.get $veps)))
              (local.get $vnlr))
            (local.get $pi)))
        (v128.store align=4 (i32.add (local.get $om) (local.get $off)) (local.get $mi))
        (v128.store align=4 (i32.add (local.get $ov) (local.get $off)) (local.get $vi))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $lanes)))
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $sg (f32.load (i32.add (local.get $g) (local.get $off))))
        (local.set $sm (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $off))) (local.get $b1))
          (f32.mul (local.get $sg) (local.get $o1))))
        (local.set $sv (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $off))) (local.get $b2))
          (f32.mul (f32.mul (local.get $sg) (local.get $sg)) (local.get $o2))))
        (local.set $sp (f32.load (i32.add (local.get $p) (local.get $off))))
        (if (local.get $useDecay) (then (local.set $sp (f32.mul (local.get $sp) (local.get $d)))))
        (f32.store (i32.add (local.get $op) (local.get $off))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $sm) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $sv) (local.get $c2))) (local.get $eps)))
              (local.get $nlr))
            (local.get $sp)))
        (f32.store (i32.add (local.get $om) (local.get $off)) (local.get $sm))
        (f32.store (i32.add (local.get $ov) (local.get $off)) (local.get $sv))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $rest)))))
