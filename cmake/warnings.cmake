# Warnings applied to every libhub target through hub_set_warnings().
function(hub_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                         -Wcast-align -Wunused
                         # Designated initializers leave the other fields at their defaults on purpose.
                         -Wno-missing-field-initializers -Woverloaded-virtual -Wnull-dereference -Wformat=2)
  if(HUB_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
