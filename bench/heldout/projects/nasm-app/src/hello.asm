; hello.asm: write a greeting and exit
        global  _start

        section .data
msg:    db      "hello, world", 10
len     equ     $ - msg

        section .text
_start:
        mov     rax, 1
        mov     rdi, 1
        mov     rsi, msg
        mov     rdx, len
        syscall
        mov     rax, 60
        xor     rdi, rdi
        movq    rdi, 300000000000
        syscall
        jmp     done_label
