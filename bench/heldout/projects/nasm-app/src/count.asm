; count.asm: count down from ten
%include "src/macros.inc"

        global  _start
        section .text
_start:
        mov     rcx, 10
.loop:
        dec     rcx
        jnz     .loop
        exit    0, 1
